/**
 * Helpers several plug-ins share: chunked, lazily allocated struct-of-arrays tables indexed by
 * frame, random streams derived by component path, seeded case generators, and a page-table
 * writer over any 64-bit memory port.
 */
@Experimental("helpers for plug-in authors")
package org.sego.support;

import org.sego.api.Experimental;
