package org.sego.core.run;

import org.sego.api.attack.KernelHooks;
import org.sego.api.guest.GuestKernel;
import org.sego.api.guest.SignalDelivery;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.Program;
import org.sego.api.posix.SignalHandler;
import org.sego.api.posix.Syscalls;
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
  private final KernelHooks hooks;

  SyscallGate(int pid, Simulation sim, HypervisorShell shell, GuestKernel kernel, UserContext user, long syscallNanos,
      KernelHooks hooks) {
    this.hooks = hooks;
    this.pid = pid;
    this.sim = sim;
    this.shell = shell;
    this.kernel = kernel;
    this.impl = kernel.syscalls(pid);
    this.user = user;
    this.syscallNanos = syscallNanos;
  }

  private void enter(String syscall) {
    sim.charge(CostCategory.SYSCALL, Principal.KERNEL, syscallNanos);
    shell.kernelEntry(pid, user.registers());
    sim.pollEvents();
    hooks.syscallEntry(pid, syscall);
  }

  private void leave(String syscall) {
    if (sim.stopping()) {
      return; // the run stopped inside this call: nothing of the exit path may run
    }
    hooks.syscallExit(pid, syscall);
    shell.kernelExit(pid, user.registers());
    returnToUser();
  }

  /** Delivers pending signals (each handler runs in user mode, then sigreturn), then checks the slice. */
  void returnToUser() {
    haltIfViolated();
    SignalDelivery d = kernel.takeSignal(pid);
    while (d != null) {
      d.handler().handle(user, d.signal());
      enter("rt_sigreturn");
      kernel.sigreturn(pid);
      shell.kernelExit(pid, user.registers());
      d = kernel.takeSignal(pid);
    }
    sim.checkpoint();
    // A violation raised while this process waited (by an event, or another process's exit) halts it here.
    haltIfViolated();
  }

  /** The hypervisor halted this process after a violation: it ends before it uses anything more. */
  void haltIfViolated() {
    if (shell.halted(pid)) {
      throw sim.exitCurrent(org.sego.core.hv.StrategyServices.HALT_STATUS);
    }
  }

  @Override
  public int getpid() {
    enter("getpid");
    try {
      return (int) hooks.syscallResult(pid, "getpid", impl.getpid());
    } finally {
      leave("getpid");
    }
  }

  @Override
  public int getppid() {
    enter("getppid");
    try {
      return (int) hooks.syscallResult(pid, "getppid", impl.getppid());
    } finally {
      leave("getppid");
    }
  }

  @Override
  public void yield() {
    enter("yield");
    try {
      impl.yield();
    } finally {
      leave("yield");
    }
  }

  @Override
  public long clockNanos() {
    enter("clockNanos");
    try {
      return hooks.syscallResult(pid, "clockNanos", impl.clockNanos());
    } finally {
      leave("clockNanos");
    }
  }

  @Override
  public void exit(int status) {
    enter("exit");
    impl.exit(status);
    throw sim.exitCurrent(status);
  }

  @Override
  public long brk(long address) {
    enter("brk");
    try {
      return hooks.syscallResult(pid, "brk", impl.brk(address));
    } finally {
      leave("brk");
    }
  }

  @Override
  public long mmap(long address, long length, int prot, int flags) {
    enter("mmap");
    try {
      return hooks.syscallResult(pid, "mmap", impl.mmap(address, length, prot, flags));
    } finally {
      leave("mmap");
    }
  }

  @Override
  public int munmap(long address, long length) {
    enter("munmap");
    try {
      return (int) hooks.syscallResult(pid, "munmap", impl.munmap(address, length));
    } finally {
      leave("munmap");
    }
  }

  @Override
  public int mprotect(long address, long length, int prot) {
    enter("mprotect");
    try {
      return (int) hooks.syscallResult(pid, "mprotect", impl.mprotect(address, length, prot));
    } finally {
      leave("mprotect");
    }
  }

  @Override
  public int fork(Program child) {
    enter("fork");
    try {
      return (int) hooks.syscallResult(pid, "fork", impl.fork(child));
    } finally {
      leave("fork");
    }
  }

  @Override
  public int waitpid(int childPid, long statusAddress) {
    enter("waitpid");
    try {
      return (int) hooks.syscallResult(pid, "waitpid", impl.waitpid(childPid, statusAddress));
    } finally {
      leave("waitpid");
    }
  }

  @Override
  public long getrandom(long address, long length) {
    enter("getrandom");
    try {
      return hooks.syscallResult(pid, "getrandom", impl.getrandom(address, length));
    } finally {
      leave("getrandom");
    }
  }

  @Override
  public int sigaction(int signal, SignalHandler handler) {
    enter("sigaction");
    try {
      return (int) hooks.syscallResult(pid, "sigaction", impl.sigaction(signal, handler));
    } finally {
      leave("sigaction");
    }
  }

  @Override
  public int kill(int target, int signal) {
    enter("kill");
    try {
      return (int) hooks.syscallResult(pid, "kill", impl.kill(target, signal));
    } finally {
      leave("kill");
    }
  }
  @Override
  public int open(String path, int flags) {
    enter("open");
    try {
      return (int) hooks.syscallResult(pid, "open", impl.open(path, flags));
    } finally {
      leave("open");
    }
  }

  @Override
  public int close(int fd) {
    enter("close");
    try {
      return (int) hooks.syscallResult(pid, "close", impl.close(fd));
    } finally {
      leave("close");
    }
  }

  @Override
  public long read(int fd, long buffer, long length) {
    enter("read");
    try {
      return hooks.syscallResult(pid, "read", impl.read(fd, buffer, length));
    } finally {
      leave("read");
    }
  }

  @Override
  public long write(int fd, long buffer, long length) {
    enter("write");
    try {
      return hooks.syscallResult(pid, "write", impl.write(fd, buffer, length));
    } finally {
      leave("write");
    }
  }

  @Override
  public long pread(int fd, long buffer, long length, long offset) {
    enter("pread");
    try {
      return hooks.syscallResult(pid, "pread", impl.pread(fd, buffer, length, offset));
    } finally {
      leave("pread");
    }
  }

  @Override
  public long pwrite(int fd, long buffer, long length, long offset) {
    enter("pwrite");
    try {
      return hooks.syscallResult(pid, "pwrite", impl.pwrite(fd, buffer, length, offset));
    } finally {
      leave("pwrite");
    }
  }

  @Override
  public long lseek(int fd, long offset, int whence) {
    enter("lseek");
    try {
      return hooks.syscallResult(pid, "lseek", impl.lseek(fd, offset, whence));
    } finally {
      leave("lseek");
    }
  }

  @Override
  public int fsync(int fd) {
    enter("fsync");
    try {
      return (int) hooks.syscallResult(pid, "fsync", impl.fsync(fd));
    } finally {
      leave("fsync");
    }
  }

  @Override
  public int fdatasync(int fd) {
    enter("fdatasync");
    try {
      return (int) hooks.syscallResult(pid, "fdatasync", impl.fdatasync(fd));
    } finally {
      leave("fdatasync");
    }
  }

  @Override
  public int ftruncate(int fd, long length) {
    enter("ftruncate");
    try {
      return (int) hooks.syscallResult(pid, "ftruncate", impl.ftruncate(fd, length));
    } finally {
      leave("ftruncate");
    }
  }

  @Override
  public int unlink(String path) {
    enter("unlink");
    try {
      return (int) hooks.syscallResult(pid, "unlink", impl.unlink(path));
    } finally {
      leave("unlink");
    }
  }

  @Override
  public int mkdir(String path) {
    enter("mkdir");
    try {
      return (int) hooks.syscallResult(pid, "mkdir", impl.mkdir(path));
    } finally {
      leave("mkdir");
    }
  }

  @Override
  public int rmdir(String path) {
    enter("rmdir");
    try {
      return (int) hooks.syscallResult(pid, "rmdir", impl.rmdir(path));
    } finally {
      leave("rmdir");
    }
  }

  @Override
  public int rename(String from, String to) {
    enter("rename");
    try {
      return (int) hooks.syscallResult(pid, "rename", impl.rename(from, to));
    } finally {
      leave("rename");
    }
  }

  @Override
  public int stat(String path, long statBuffer) {
    enter("stat");
    try {
      return (int) hooks.syscallResult(pid, "stat", impl.stat(path, statBuffer));
    } finally {
      leave("stat");
    }
  }

  @Override
  public long readdir(int fd, long buffer, long length) {
    enter("readdir");
    try {
      return hooks.syscallResult(pid, "readdir", impl.readdir(fd, buffer, length));
    } finally {
      leave("readdir");
    }
  }
  @Override
  public long mmapFile(long address, long length, int prot, int flags, int fd, long offset) {
    enter("mmapFile");
    try {
      return hooks.syscallResult(pid, "mmapFile", impl.mmapFile(address, length, prot, flags, fd, offset));
    } finally {
      leave("mmapFile");
    }
  }

  @Override
  public int msync(long address, long length, int flags) {
    enter("msync");
    try {
      return (int) hooks.syscallResult(pid, "msync", impl.msync(address, length, flags));
    } finally {
      leave("msync");
    }
  }
}
