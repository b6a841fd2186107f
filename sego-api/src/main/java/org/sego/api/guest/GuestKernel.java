package org.sego.api.guest;

import org.sego.api.Experimental;
import org.sego.api.sim.Program;
import org.sego.api.posix.Syscalls;

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

  /**
   * Starts {@code program} as a new process with a fresh address space and stack (as init would
   * exec it); returns its pid.
   */
  int start(Program program);

  /** Process {@code pid} has ended. */
  default void exited(int pid, int status) {}

  /**
   * On return to user mode: a signal to deliver to {@code pid} now, with its signal frame already
   * written to the user stack, or null.
   */
  default SignalDelivery takeSignal(int pid) {
    return null;
  }

  /** The handler of the last delivered signal returned: restore the registers from its frame. */
  default void sigreturn(int pid) {}
}
