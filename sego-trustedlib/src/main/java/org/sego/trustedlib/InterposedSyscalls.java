package org.sego.trustedlib;

import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.posix.SignalHandler;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.Program;
import org.sego.api.sim.UserContext;

/**
 * Every system call of a HAP: one interposition hypercall, then the kernel's call; buffers the
 * kernel reads or fills pass through the unprotected bounce area (the library copies them in or
 * out, in bounce-sized pieces when they are larger), and the answer is checked before the HAP sees
 * it. The same code, and so the same cost, for every strategy. Every method of {@link Syscalls} is
 * declared here — none is left to the interface's {@code -ENOSYS} default (a test holds this).
 */
final class InterposedSyscalls implements Syscalls {
  private final HapRuntime runtime;
  private final UserContext user;
  private final Syscalls kernel;
  private final byte[] copyBuffer = new byte[(int) HapRuntime.BOUNCE_BYTES];
  private int firstPid;
  /** The path of each directory descriptor whose listing is checked, and the secure names listed so far in it. */
  private final java.util.Map<Integer, String> paths = new java.util.HashMap<>();
  private final java.util.Map<Integer, java.util.Set<String>> listed = new java.util.HashMap<>();

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
    user.read(runtime.bounce, copyBuffer, 0, length);
    user.write(dest, copyBuffer, 0, length);
  }

  /** Copies {@code length} bytes from {@code src} to the bounce area, for the kernel to read. */
  private void copyOut(long src, int length) {
    user.read(src, copyBuffer, 0, length);
    user.write(runtime.bounce, copyBuffer, 0, length);
  }

  private static int piece(long left) {
    return (int) Math.min(left, HapRuntime.BOUNCE_BYTES);
  }

  /** One piece of a transfer through the bounce area: {@code offset} < 0 for the file's own offset. */
  @FunctionalInterface
  private interface Transfer {
    long run(long bounce, int length, long offset);
  }

  /**
   * A read in bounce-sized pieces: each piece's answer is checked (never more than asked), copied in,
   * and a short piece ends the call, as a short read would. An error after some bytes returns those.
   */
  private long readPieces(long buffer, long length, long offset, Transfer t) {
    if (length < 0) {
      return -Errno.EINVAL;
    }
    long done = 0;
    while (done < length) {
      int n = piece(length - done);
      long r = t.run(runtime.bounce, n, offset < 0 ? -1 : offset + done);
      if (r < 0) {
        return done > 0 ? done : r;
      }
      check(runtime.checks.ioLengthOk(r, n));
      r = Math.min(r, n);
      copyIn(buffer + done, (int) r);
      done += r;
      if (r < n) {
        break;
      }
    }
    return done;
  }

  /** A write in bounce-sized pieces: each piece copied out, then written; a short piece ends the call. */
  private long writePieces(long buffer, long length, long offset, Transfer t) {
    if (length < 0) {
      return -Errno.EINVAL;
    }
    long done = 0;
    do {
      int n = piece(length - done);
      copyOut(buffer + done, n);
      long r = t.run(runtime.bounce, n, offset < 0 ? -1 : offset + done);
      if (r < 0) {
        return done > 0 ? done : r;
      }
      check(runtime.checks.ioLengthOk(r, n));
      r = Math.min(r, n);
      done += r;
      if (r < n) {
        break;
      }
    } while (done < length);
    return done;
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
    long now = kernel.clockNanos();
    check(runtime.checks.clockOk(now));
    return now;
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
  public int munmap(long address, long length) {
    interpose("munmap");
    int r = kernel.munmap(address, length);
    if (r == 0) {
      long pages = (length + 4095) & ~4095L;
      runtime.checks.unsecureRange(address, pages);
      if (runtime.registered() && (address & 4095) == 0 && pages > 0) {
        if (runtime.checks.on(IagoChecks.UNMAP_DONE)) {
          user.hypercalls().call(new HapHypercalls.CheckMapping(address, pages, -1)); // a violation halts the HAP here
        }
        user.hypercalls().call(new HapHypercalls.RevokeIntent(address, pages)); // what is mapped here next is not secure
      }
    }
    return r;
  }

  @Override
  public int mprotect(long address, long length, int prot) {
    interpose("mprotect");
    int r = kernel.mprotect(address, length, prot);
    if (r == 0 && (prot & Mman.PROT_WRITE) == 0 && runtime.registered() && runtime.checks.on(IagoChecks.PROTECT_DONE)
        && (address & 4095) == 0 && length > 0) {
      user.hypercalls().call(new HapHypercalls.CheckMapping(address, (length + 4095) & ~4095L, prot)); // a violation halts the HAP here
    }
    return r;
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
    if (runtime.registered() && runtime.checks.on(IagoChecks.RANDOM_SOURCE) && length > 0 && fromHypervisor(address, length)) {
      return length;
    }
    long done = 0;
    while (done < length) {
      int n = piece(length - done);
      long r = kernel.getrandom(runtime.bounce, n);
      if (r < 0) {
        return done > 0 ? done : r;
      }
      check(runtime.checks.randomOk(r, n));
      r = Math.min(r, n); // with the check off, an over-long claim copies only what the bounce area holds
      copyIn(address + done, (int) r);
      done += r;
      if (r < n) {
        break;
      }
    }
    return done;
  }

  /** Fills {@code [address, address + length)} from the hypervisor's entropy, 8 bytes a hypercall; false if it offers none. */
  private boolean fromHypervisor(long address, long length) {
    byte[] word = new byte[8];
    for (long done = 0; done < length; done += 8) {
      org.sego.api.hypercall.HypercallResult r = user.hypercalls().call(new HapHypercalls.Entropy());
      if (!(r instanceof org.sego.api.hypercall.HypercallResult.Ok)) {
        return false; // (before any byte was written: the first call is refused or none is)
      }
      long v = ((org.sego.api.hypercall.HypercallResult.Ok) r).value();
      for (int i = 0; i < 8; i++) {
        word[i] = (byte) (v >>> (8 * i));
      }
      user.write(address + done, word, 0, (int) Math.min(8, length - done));
    }
    return true;
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
    int fd = kernel.open(path, flags);
    if (fd >= 0 && (flags & Fcntl.O_DIRECTORY) != 0 && runtime.registered() && runtime.checks.on(IagoChecks.NAMESPACE)) {
      paths.put(fd, path); // a directory whose listing is checked
      listed.remove(fd);
    }
    return fd;
  }

  @Override
  public int creat(String path) {
    return open(path, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_TRUNC);
  }

  @Override
  public int close(int fd) {
    interpose("close");
    paths.remove(fd);
    listed.remove(fd);
    return kernel.close(fd);
  }

  @Override
  public long read(int fd, long buffer, long length) {
    interpose("read");
    return readPieces(buffer, length, -1, (b, n, o) -> kernel.read(fd, b, n));
  }

  @Override
  public long write(int fd, long buffer, long length) {
    interpose("write");
    return writePieces(buffer, length, -1, (b, n, o) -> kernel.write(fd, b, n));
  }

  @Override
  public long pread(int fd, long buffer, long length, long offset) {
    interpose("pread64");
    if (offset < 0) {
      return -Errno.EINVAL;
    }
    return readPieces(buffer, length, offset, (b, n, o) -> kernel.pread(fd, b, n, o));
  }

  @Override
  public long pwrite(int fd, long buffer, long length, long offset) {
    interpose("pwrite64");
    if (offset < 0) {
      return -Errno.EINVAL;
    }
    return writePieces(buffer, length, offset, (b, n, o) -> kernel.pwrite(fd, b, n, o));
  }

  @Override
  public long lseek(int fd, long offset, int whence) {
    interpose("lseek");
    long r = kernel.lseek(fd, offset, whence);
    check(runtime.checks.lseekOk(r, offset, whence));
    return r;
  }

  @Override
  public int fsync(int fd) {
    interpose("fsync");
    return kernel.fsync(fd);
  }

  @Override
  public int fdatasync(int fd) {
    interpose("fdatasync");
    return kernel.fdatasync(fd);
  }

  @Override
  public int ftruncate(int fd, long length) {
    interpose("ftruncate");
    return kernel.ftruncate(fd, length);
  }

  @Override
  public int unlink(String path) {
    interpose("unlinkat");
    return kernel.unlink(path);
  }

  @Override
  public int mkdir(String path) {
    interpose("mkdirat");
    return kernel.mkdir(path);
  }

  @Override
  public int rmdir(String path) {
    interpose("rmdir");
    return kernel.rmdir(path);
  }

  @Override
  public int rename(String from, String to) {
    interpose("renameat");
    return kernel.rename(from, to);
  }

  @Override
  public int stat(String path, long statBuffer) {
    interpose("newfstatat");
    int r = kernel.stat(path, runtime.bounce);
    if (runtime.registered() && runtime.checks.on(IagoChecks.NAMESPACE) && (r == 0 || r == -Errno.ENOENT)) {
      // Against the hypervisor's namespace: a bound name exists, and is at least as long as the hypervisor keeps it.
      HypercallResult o = user.hypercalls().call(new HapHypercalls.LookupSecureFile(path));
      long oid = o instanceof HypercallResult.Ok ? ((HypercallResult.Ok) o).value() : 0;
      check(runtime.checks.namespaceOk("stat", path, r, oid));
      if (r == 0 && oid != 0) {
        HypercallResult len = user.hypercalls().call(new HapHypercalls.SecureFileLength(oid, -1));
        if (len instanceof HypercallResult.Ok) {
          check(runtime.checks.statSizeOk(path, user.load64(runtime.bounce + 8), ((HypercallResult.Ok) len).value()));
        }
      }
    }
    if (r == 0) {
      copyIn(statBuffer, Fcntl.STAT_BYTES);
    }
    return r;
  }

  /**
   * {@code secure-namespace} on a listing: each secure name the kernel lists (the records just
   * copied to the bounce area) is looked up; at the end of the directory the names seen must be all
   * the hypervisor binds there.
   */
  private void checkListing(int fd, long r) {
    String dir = paths.get(fd);
    if (dir == null || r < 0 || !runtime.registered() || !runtime.checks.on(IagoChecks.NAMESPACE)) {
      return;
    }
    java.util.Set<String> seen = listed.computeIfAbsent(fd, k -> new java.util.TreeSet<>());
    String prefix = dir.endsWith("/") ? dir : dir + "/";
    for (int at = 0; at + Fcntl.DIRENT_BYTES <= r; at += Fcntl.DIRENT_BYTES) {
      int len = (int) Math.min(48, user.load64(runtime.bounce + at + 8) & 0xFFFF_FFFFL);
      byte[] name = new byte[len];
      user.read(runtime.bounce + at + 16, name, 0, len);
      String path = prefix + new String(name, java.nio.charset.StandardCharsets.UTF_8);
      HypercallResult o = user.hypercalls().call(new HapHypercalls.LookupSecureFile(path));
      if (o instanceof HypercallResult.Ok && ((HypercallResult.Ok) o).value() != 0) {
        seen.add(path);
      }
    }
    if (r == 0) {
      HypercallResult c = user.hypercalls().call(new HapHypercalls.CountSecureFiles(dir));
      long bound = c instanceof HypercallResult.Ok ? ((HypercallResult.Ok) c).value() : 0;
      listed.remove(fd);
      check(runtime.checks.listingOk(dir, seen.size(), bound));
    }
  }

  @Override
  public long readdir(int fd, long buffer, long length) {
    interpose("getdents64");
    if (length < 0) {
      return -Errno.EINVAL;
    }
    // One bounce-sized piece at most, whole records only: a short answer is what getdents gives.
    int n = (int) Math.min(length, HapRuntime.BOUNCE_BYTES / Fcntl.DIRENT_BYTES * Fcntl.DIRENT_BYTES);
    long r = kernel.readdir(fd, runtime.bounce, n);
    if (r > 0) {
      check(runtime.checks.ioLengthOk(r, n));
      copyIn(buffer, (int) Math.min(r, n));
    }
    checkListing(fd, r);
    return r;
  }
}
