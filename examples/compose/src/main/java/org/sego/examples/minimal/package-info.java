/** A minimal system composed in Java and measured with the disk probe. */
package org.sego.examples.minimal;
