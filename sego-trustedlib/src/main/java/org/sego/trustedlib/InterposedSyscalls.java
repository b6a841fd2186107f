package org.sego.trustedlib;

import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.sim.Program;
import org.sego.api.posix.SignalHandler;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/**
 * Every system call of a HAP: one interposition hypercall, then the kernel's call; buffers the
 * kernel fills land in the unprotected bounce area and the library copies them in; the answer is
 * checked before the HAP sees it. The same code, and so the same cost, for every strategy.
 */
final class InterposedSyscalls implements Syscalls {
  private final HapRuntime runtime;
  private final UserContext user;
  private final Syscalls kernel;
  private int firstPid;

  InterposedSyscalls(HapRuntime runtime, UserContext user) {
    this.runtime = runtime;
    this.user = user;
    this.kernel = user.syscalls();
  }

  private void interpose(String syscall) {
    user.hypercalls().call(new HapHypercalls.Interpose(syscall));
  }

  private void check(boolean ok) {
    if (!ok) {
      runtime.halt();
    }
  }

  /** Copies {@code length} bytes the kernel left in the bounce area to {@code dest}. */
  private void copyIn(long dest, int length) {
    byte[] b = new byte[length];
    user.read(runtime.bounce, b, 0, length);
    user.write(dest, b, 0, length);
  }

  @Override
  public int getpid() {
    interpose("getpid");
    int pid = kernel.getpid();
    check(runtime.checks.pidOk(pid, firstPid));
    firstPid = pid;
    return pid;
  }

  @Override
  public int getppid() {
    interpose("getppid");
    return kernel.getppid();
  }

  @Override
  public void yield() {
    interpose("sched_yield");
    kernel.yield();
  }

  @Override
  public long clockNanos() {
    interpose("clock_gettime");
    return kernel.clockNanos();
  }

  @Override
  public void exit(int status) {
    interpose("exit");
    kernel.exit(status);
  }

  @Override
  public long brk(long address) {
    interpose("brk");
    long r = kernel.brk(address);
    check(runtime.checks.brkOk(r));
    return r;
  }

  @Override
  public long mmap(long address, long length, int prot, int flags) {
    interpose("mmap");
    long r = kernel.mmap(address, length, prot, flags);
    check(runtime.checks.mmapOk(r, length));
    return r;
  }

  @Override
  public int munmap(long address, long length) {
    interpose("munmap");
    return kernel.munmap(address, length);
  }

  @Override
  public int mprotect(long address, long length, int prot) {
    interpose("mprotect");
    return kernel.mprotect(address, length, prot);
  }

  @Override
  public int fork(Program child) {
    interpose("fork");
    return kernel.fork(child);
  }

  @Override
  public int waitpid(int pid, long statusAddress) {
    interpose("wait4");
    int r = kernel.waitpid(pid, statusAddress == 0 ? 0 : runtime.bounce);
    if (r > 0 && statusAddress != 0) {
      copyIn(statusAddress, 4);
    }
    return r;
  }

  @Override
  public long getrandom(long address, long length) {
    interpose("getrandom");
    long done = 0;
    while (done < length) {
      int n = (int) Math.min(length - done, HapRuntime.BOUNCE_BYTES);
      long r = kernel.getrandom(runtime.bounce, n);
      if (r < 0) {
        return done > 0 ? done : r;
      }
      check(runtime.checks.randomOk(r, n));
      copyIn(address + done, (int) r);
      done += r;
      if (r < n) {
        break;
      }
    }
    return done;
  }

  @Override
  public int sigaction(int signal, SignalHandler handler) {
    interpose("rt_sigaction");
    return kernel.sigaction(signal, handler);
  }

  @Override
  public int kill(int pid, int signal) {
    interpose("kill");
    return kernel.kill(pid, signal);
  }
  @Override
  public int open(String path, int flags) {
    interpose("openat");
    return kernel.open(path, flags);
  }

  @Override
  public int close(int fd) {
    interpose("close");
    return kernel.close(fd);
  }

  @Override
  public long lseek(int fd, long offset, int whence) {
    interpose("lseek");
    return kernel.lseek(fd, offset, whence);
  }

  @Override
  public int ftruncate(int fd, long length) {
    interpose("ftruncate");
    return kernel.ftruncate(fd, length);
  }

  @Override
  public long mmapFile(long address, long length, int prot, int flags, int fd, long offset) {
    interpose("mmap");
    long r = kernel.mmapFile(address, length, prot, flags, fd, offset);
    check(runtime.checks.mmapOk(r, length));
    return r;
  }

  @Override
  public int msync(long address, long length, int flags) {
    interpose("msync");
    return kernel.msync(address, length, flags);
  }

  @Override
  public int fsync(int fd) {
    interpose("fsync");
    return kernel.fsync(fd);
  }

  @Override
  public int unlink(String path) {
    interpose("unlinkat");
    return kernel.unlink(path);
  }

  @Override
  public int rename(String from, String to) {
    interpose("renameat");
    return kernel.rename(from, to);
  }
}
