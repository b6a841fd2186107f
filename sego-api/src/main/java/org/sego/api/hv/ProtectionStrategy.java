package org.sego.api.hv;

import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.Capabilities;

import org.sego.api.Experimental;
import org.sego.api.guest.KernelUserWrite;
import org.sego.api.hw.EptView;

/**
 * How the hypervisor protects HAPs. It is called only on an EPT violation, a hypercall, DMA, a
 * context switch or a crash, never on a TLB hit or a permitted access. Bound by the strategy
 * plug-in's Guice module; a host-side component.
 */
@Experimental("composition and lifecycle")
public interface ProtectionStrategy {
  String name();

  Capabilities capabilities();

  /**
   * An access through {@code view} violated its EPT permissions. Return {@code true} when the
   * strategy changed something so that the access can be retried, {@code false} to deny it.
   */
  default boolean onEptViolation(EptView view, long gfn, int qualification) {
    return false;
  }

  /**
   * The properties this strategy claims against the guest OS ({@code confidentiality-ram},
   * {@code confidentiality-rest}, {@code integrity}, {@code freshness}, {@code crash-consistency},
   * {@code sharing}): the attack matrix tells "claim violated" from "not claimed".
   */
  default java.util.Set<String> claims() {
    return java.util.Set.of();
  }

  default HypercallResult hypercall(int callerPid, Hypercall call) {
    return new HypercallResult.Refused("strategy " + name() + " offers no hypercall '" + call.name() + "'");
  }

  /** May a device DMA touch {@code gfn}? Asked for every frame of every block request; the default permits. */
  default boolean permitDma(String device, boolean toMemory, long gfn) {
    return true;
  }

  /** The EPT view process {@code pid} runs in: 0 (the OS's) unless the strategy gave it its own. */
  default int viewOf(int pid) {
    return 0;
  }

  /** How this strategy lets the kernel write into a process's memory on {@code path}. */
  default KernelUserWrite.Handling userWriteHandling(KernelUserWrite path) {
    return KernelUserWrite.Handling.DIRECT;
  }

  /** Whether entering the kernel from process {@code pid} must save and scrub its registers. */
  default boolean isProtected(int pid) {
    return false;
  }
}
