package org.sego.core.run;

import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.SignalDelivery;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.Program;
import org.sego.api.sim.SignalHandler;
import org.sego.api.sim.Syscalls;
import org.sego.api.sim.UserContext;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.Simulation;

/**
 * The system-call instruction: every call enters the kernel (charged {@code cpu.syscall}, registers
 * scrubbed if the strategy protects the process, due events run) and leaves it (registers restored,
 * pending signals delivered, time slice checked). One method per system call, so the gate
 * allocates nothing of its own.
 */
final class SyscallGate implements Syscalls {
  private final int pid;
  private final Simulation sim;
  private final HypervisorShell shell;
  private final GuestKernel kernel;
  private final Syscalls impl;
  private final UserContext user;
  private final long syscallNanos;

  SyscallGate(int pid, Simulation sim, HypervisorShell shell, GuestKernel kernel, UserContext user, long syscallNanos) {
    this.pid = pid;
    this.sim = sim;
    this.shell = shell;
    this.kernel = kernel;
    this.impl = kernel.syscalls(pid);
    this.user = user;
    this.syscallNanos = syscallNanos;
  }

  private void enter() {
    sim.charge(CostCategory.SYSCALL, Principal.KERNEL, syscallNanos);
    shell.kernelEntry(pid, user.registers());
    sim.pollEvents();
  }

  private void leave() {
    shell.kernelExit(pid, user.registers());
    returnToUser();
  }

  /** Delivers pending signals (each handler runs in user mode, then sigreturn), then checks the slice. */
  void returnToUser() {
    SignalDelivery d = kernel.takeSignal(pid);
    while (d != null) {
      d.handler().handle(user, d.signal());
      enter();
      kernel.sigreturn(pid);
      shell.kernelExit(pid, user.registers());
      d = kernel.takeSignal(pid);
    }
    sim.checkpoint();
  }

  @Override
  public int getpid() {
    enter();
    try {
      return impl.getpid();
    } finally {
      leave();
    }
  }

  @Override
  public int getppid() {
    enter();
    try {
      return impl.getppid();
    } finally {
      leave();
    }
  }

  @Override
  public void yield() {
    enter();
    try {
      impl.yield();
    } finally {
      leave();
    }
  }

  @Override
  public long clockNanos() {
    enter();
    try {
      return impl.clockNanos();
    } finally {
      leave();
    }
  }

  @Override
  public void exit(int status) {
    enter();
    impl.exit(status);
    throw sim.exitCurrent(status);
  }

  @Override
  public long brk(long address) {
    enter();
    try {
      return impl.brk(address);
    } finally {
      leave();
    }
  }

  @Override
  public long mmap(long address, long length, int prot, int flags) {
    enter();
    try {
      return impl.mmap(address, length, prot, flags);
    } finally {
      leave();
    }
  }

  @Override
  public int munmap(long address, long length) {
    enter();
    try {
      return impl.munmap(address, length);
    } finally {
      leave();
    }
  }

  @Override
  public int mprotect(long address, long length, int prot) {
    enter();
    try {
      return impl.mprotect(address, length, prot);
    } finally {
      leave();
    }
  }

  @Override
  public int fork(Program child) {
    enter();
    try {
      return impl.fork(child);
    } finally {
      leave();
    }
  }

  @Override
  public int waitpid(int childPid, long statusAddress) {
    enter();
    try {
      return impl.waitpid(childPid, statusAddress);
    } finally {
      leave();
    }
  }

  @Override
  public long getrandom(long address, long length) {
    enter();
    try {
      return impl.getrandom(address, length);
    } finally {
      leave();
    }
  }

  @Override
  public int sigaction(int signal, SignalHandler handler) {
    enter();
    try {
      return impl.sigaction(signal, handler);
    } finally {
      leave();
    }
  }

  @Override
  public int kill(int target, int signal) {
    enter();
    try {
      return impl.kill(target, signal);
    } finally {
      leave();
    }
  }
}
