package org.sego.core.run;

import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.Syscalls;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.Simulation;

/**
 * The system-call instruction: every call enters the kernel (charged {@code cpu.syscall}, registers
 * scrubbed if the strategy protects the process, due events run) and leaves it (registers restored,
 * time slice checked). One method per system call, so the gate allocates nothing.
 */
final class SyscallGate implements Syscalls {
  private final int pid;
  private final Simulation sim;
  private final HypervisorShell shell;
  private final Syscalls kernel;
  private final long syscallNanos;

  SyscallGate(int pid, Simulation sim, HypervisorShell shell, Syscalls kernel, long syscallNanos) {
    this.pid = pid;
    this.sim = sim;
    this.shell = shell;
    this.kernel = kernel;
    this.syscallNanos = syscallNanos;
  }

  private void enter() {
    sim.charge(CostCategory.SYSCALL, Principal.KERNEL, syscallNanos);
    shell.kernelEntry(pid, sim.registers(pid));
    sim.pollEvents();
  }

  private void leave() {
    shell.kernelExit(pid, sim.registers(pid));
    sim.checkpoint();
  }

  @Override
  public int getpid() {
    enter();
    try {
      return kernel.getpid();
    } finally {
      leave();
    }
  }

  @Override
  public void yield() {
    enter();
    try {
      kernel.yield();
    } finally {
      leave();
    }
  }

  @Override
  public long clockNanos() {
    enter();
    try {
      return kernel.clockNanos();
    } finally {
      leave();
    }
  }

  @Override
  public void exit(int status) {
    enter();
    kernel.exit(status);
    throw sim.exitCurrent(status);
  }
}
