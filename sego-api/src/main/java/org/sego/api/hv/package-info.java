/**
 * Hypervisor-side SPI: protection strategies, hypercalls and their results, capabilities, and the
 * hypervisor services strategies share.
 */
@Experimental("composition and lifecycle")
package org.sego.api.hv;

import org.sego.api.Experimental;
