/**
 * Services between {@code sego-core} and its sibling modules (the machine, the volumes, the trusted
 * library), found with {@link java.util.ServiceLoader}. Exported only to those modules: plug-ins
 * never reach them.
 */
@Experimental("composition and lifecycle")
package org.sego.api.wiring;

import org.sego.api.Experimental;
