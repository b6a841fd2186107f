/**
 * Hypervisor-side SPI: the protection strategy, what it is given ({@link org.sego.api.hv.HypervisorServices}),
 * exits with their context and answers, claims and checks, the mapping-intent registry.
 */
@Experimental("composition and lifecycle")
package org.sego.api.hv;

import org.sego.api.Experimental;
