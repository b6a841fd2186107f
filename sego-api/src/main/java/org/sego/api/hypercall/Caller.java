package org.sego.api.hypercall;

import org.sego.api.Experimental;

/**
 * Who made a hypercall: the port it arrived on ({@link Mode}) and the process — for a HAP's call the
 * HAP itself; for the kernel's, the process it was running for (-1 in an event). A kernel can never
 * call in a HAP's mode.
 */
@Experimental("the hypercall catalogue")
public record Caller(Mode mode, int pid) {
  public enum Mode {
    /** The guest kernel's port ({@code KernelPorts.hypercalls()}). */
    KERNEL,
    /** A process's own port ({@code UserContext.hypercalls()}): the trusted library of a HAP. */
    HAP
  }

  public boolean kernel() {
    return mode == Mode.KERNEL;
  }
}
