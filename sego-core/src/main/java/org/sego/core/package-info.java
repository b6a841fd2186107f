/** Composing a system: {@link org.sego.core.SegoSystem}, in Java or from TOML. */
@Experimental("composition and lifecycle")
package org.sego.core;

import org.sego.api.Experimental;
