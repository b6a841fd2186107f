package org.sego.api.sim;

import org.sego.api.Experimental;

/**
 * The system calls a process can make. Each enters the kernel (charged {@code cpu.syscall}); grows
 * by {@code default} methods as the guest kernel grows.
 */
@Experimental("grows with the guest kernel")
public interface Syscalls {
  int getpid();

  /** Gives up the CPU to another runnable process, if any. */
  void yield();

  /** Simulated time in nanoseconds. */
  long clockNanos();

  /** Ends the process; does not return. */
  void exit(int status);
}
