package org.sego.api.guest;

import org.sego.api.Experimental;
import org.sego.api.sim.Program;

/**
 * The kernel's handle on the simulated CPUs: start, switch and block processes, manage the TLB, and
 * charge its own work. Scheduling is deterministic: a switch happens only at a block, a yield, an
 * exit or the end of a time slice.
 */
@Experimental("grows with the guest kernel")
public interface CpuPort {
  /** Starts {@code program} as process {@code pid} in the address space rooted at {@code cr3}. */
  void spawn(int pid, long cr3, Program program);

  /** The process running on the current vCPU, or -1 in an event. */
  int currentPid();

  int currentCpu();

  /** The current process gives up its vCPU. */
  void yield();

  /** The current process sleeps until {@link #wake}; time passes as {@code category}. */
  void block(int category);

  void wake(int pid);

  /**
   * A copy of process {@code pid}'s register file ({@link org.sego.api.sim.Registers} layout) as the
   * kernel may see it: the process's own values, or zeros where the strategy protects the process
   * and the hypervisor saved and scrubbed them. Writing into the copy changes nothing.
   */
  long[] registers(int pid);

  /**
   * Sets process {@code pid}'s register file (a new stack, a fork's child, a signal frame) from
   * {@code values}. The hypervisor ignores it for a process the strategy protects.
   */
  void setRegisters(int pid, long[] values);

  /** Changes a process's page-table root (exec, or a new address space). */
  void setCr3(int pid, long cr3);

  void invalidatePage(long cr3, long gva);

  void invalidateAddressSpace(long cr3);

  /** Charges kernel work to the current vCPU. */
  void charge(int category, long nanos);
}
