/** The HAP-facing API: what a trusted application runs on, implemented by {@code sego-trustedlib}. */
@Experimental("the trusted-library API")
package org.sego.api.hap;

import org.sego.api.Experimental;
