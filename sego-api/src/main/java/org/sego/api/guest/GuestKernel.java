package org.sego.api.guest;

import org.sego.api.Experimental;
import org.sego.api.sim.Syscalls;

/** An untrusted guest kernel, constructed by the run orchestrator with its {@link KernelPorts}. */
@Experimental("grows with the guest kernel")
public interface GuestKernel {
  /** Runs once on the boot vCPU before any process. */
  void boot();

  /**
   * A user access of process {@code pid} faulted. Return {@code true} to retry the access, {@code
   * false} to kill the process (SIGSEGV).
   */
  boolean pageFault(int pid, long gva, int errorCode);

  /** The kernel's system-call implementation for process {@code pid}. */
  Syscalls syscalls(int pid);

  /** Process {@code pid} has ended. */
  default void exited(int pid, int status) {}
}
