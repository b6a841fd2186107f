/** The {@code sego} command line: list, describe, validate. */
package org.sego.cli;
