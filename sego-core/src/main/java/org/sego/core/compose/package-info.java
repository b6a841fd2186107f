/**
 * Composition: plug-in discovery, system specs (Java builder or TOML) validated against the
 * schemas with every problem reported at once, and the Guice root of the trusted side.
 */
@Experimental("composition and lifecycle")
package org.sego.core.compose;

import org.sego.api.Experimental;
