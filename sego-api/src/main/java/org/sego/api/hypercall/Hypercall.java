package org.sego.api.hypercall;

import org.sego.api.Experimental;

/**
 * A request from the guest (kernel or trusted library) to the hypervisor. Open: a strategy or a
 * research prototype adds its own hypercalls as records implementing this.
 */
@Experimental("the hypercall catalogue")
public interface Hypercall {
  /** Stable name for traces and stats ({@code swap-out}). */
  String name();
}
