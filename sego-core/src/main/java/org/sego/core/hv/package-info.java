/**
 * The hypervisor shell: EPT views per process, exit and hypercall dispatch to the strategy, DMA
 * mediation, the mapping-intent registry, HAP register scrubbing, and the ports handed to the
 * untrusted guest kernel. Under {@code none} it scrubs nothing and mediates nothing.
 */
@Experimental("composition and lifecycle")
package org.sego.core.hv;

import org.sego.api.Experimental;
