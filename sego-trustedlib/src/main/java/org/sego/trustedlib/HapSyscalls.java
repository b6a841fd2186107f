package org.sego.trustedlib;

import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.posix.SignalHandler;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.Program;

/**
 * The system calls of an ordinary program run as a HAP ({@code as-hap = true}): every call goes
 * through the library's interposition, and in addition the program's anonymous memory is protected
 * (each private anonymous {@code mmap} is followed by a {@code Protect}; memory the hypervisor will
 * not protect is never handed out) and its regular files are secure files (open, read, write,
 * pread, pwrite, lseek, fsync, fdatasync, ftruncate and close of a file go to {@link
 * LibrarySecureFiles}, whose data crosses only mapped pages). Directories stay plain descriptors.
 * A forked child runs as a HAP of its own. Every method of {@link Syscalls} is declared here.
 */
final class HapSyscalls implements Syscalls {
  private final HapRuntime runtime;
  private final InterposedSyscalls sys;
  private final LibrarySecureFiles files;

  HapSyscalls(HapRuntime runtime, InterposedSyscalls sys, LibrarySecureFiles files) {
    this.runtime = runtime;
    this.sys = sys;
    this.files = files;
  }

  private boolean secure(int fd) {
    return files.owns(fd);
  }

  @Override
  public int getpid() {
    return sys.getpid();
  }

  @Override
  public int getppid() {
    return sys.getppid();
  }

  @Override
  public void yield() {
    sys.yield();
  }

  @Override
  public long clockNanos() {
    return sys.clockNanos();
  }

  @Override
  public void exit(int status) {
    sys.exit(status);
  }

  @Override
  public long brk(long address) {
    return sys.brk(address);
  }

  @Override
  public long mmap(long address, long length, int prot, int flags) {
    long a = sys.mmap(address, length, prot, flags);
    boolean anonymousPrivate = (flags & Mman.MAP_ANONYMOUS) != 0 && (flags & Mman.MAP_SHARED) == 0;
    if (a < 0 || !anonymousPrivate || !runtime.registered()) {
      return a;
    }
    HypercallResult r = runtime.user().hypercalls().call(new HapHypercalls.Protect(a, length));
    if (!(r instanceof HypercallResult.Ok)) {
      sys.munmap(a, length);
      return -Errno.EPERM;
    }
    runtime.checks.secureRange(a, length);
    return a;
  }

  @Override
  public long mmapFile(long address, long length, int prot, int flags, int fd, long offset) {
    if (secure(fd)) { // the library's own mapping of the whole file, kept until close
      return address != 0 || (flags & Mman.MAP_SHARED) == 0 ? -Errno.EINVAL : files.mapFile(fd, length, offset);
    }
    return sys.mmapFile(address, length, prot, flags, fd, offset);
  }

  @Override
  public int msync(long address, long length, int flags) {
    return sys.msync(address, length, flags);
  }

  @Override
  public int munmap(long address, long length) {
    if (files.wholeMapping(address)) {
      return 0; // a secure file's mapping: the library unmaps it when the file is closed
    }
    return sys.munmap(address, length);
  }

  @Override
  public int mprotect(long address, long length, int prot) {
    return sys.mprotect(address, length, prot);
  }

  @Override
  public int fork(Program child) {
    return sys.fork(runtime.childAsHap(child));
  }

  @Override
  public int waitpid(int pid, long statusAddress) {
    return sys.waitpid(pid, statusAddress);
  }

  @Override
  public long getrandom(long address, long length) {
    return sys.getrandom(address, length);
  }

  @Override
  public int sigaction(int signal, SignalHandler handler) {
    return sys.sigaction(signal, handler);
  }

  @Override
  public int kill(int pid, int signal) {
    return sys.kill(pid, signal);
  }

  @Override
  public int open(String path, int flags) {
    if ((flags & Fcntl.O_DIRECTORY) != 0) {
      return sys.open(path, flags);
    }
    int fd = files.open(path, flags);
    // A directory is never opened for writing: it stays a plain descriptor (for readdir).
    return fd == -Errno.EISDIR ? sys.open(path, flags) : fd;
  }

  @Override
  public int creat(String path) {
    return open(path, Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_TRUNC);
  }

  @Override
  public int close(int fd) {
    return secure(fd) ? files.close(fd) : sys.close(fd);
  }

  @Override
  public long read(int fd, long buffer, long length) {
    return secure(fd) ? files.read(fd, buffer, length) : sys.read(fd, buffer, length);
  }

  @Override
  public long write(int fd, long buffer, long length) {
    return secure(fd) ? files.write(fd, buffer, length) : sys.write(fd, buffer, length);
  }

  @Override
  public long pread(int fd, long buffer, long length, long offset) {
    return secure(fd) ? atOffset(fd, offset, () -> files.read(fd, buffer, length)) : sys.pread(fd, buffer, length, offset);
  }

  @Override
  public long pwrite(int fd, long buffer, long length, long offset) {
    return secure(fd) ? atOffset(fd, offset, () -> files.write(fd, buffer, length)) : sys.pwrite(fd, buffer, length, offset);
  }

  /** A secure file's transfer at {@code offset}, the file's own offset left as it was (pread, pwrite). */
  private long atOffset(int fd, long offset, java.util.function.LongSupplier transfer) {
    if (offset < 0) {
      return -Errno.EINVAL;
    }
    long saved = files.offset(fd);
    files.seek(fd, offset);
    long r = transfer.getAsLong();
    files.seek(fd, saved);
    return r;
  }

  @Override
  public long lseek(int fd, long offset, int whence) {
    if (!secure(fd)) {
      return sys.lseek(fd, offset, whence);
    }
    long base;
    if (whence == Fcntl.SEEK_SET) {
      base = 0;
    } else if (whence == Fcntl.SEEK_CUR) {
      base = files.offset(fd);
    } else if (whence == Fcntl.SEEK_END) {
      base = files.length(fd);
    } else {
      return -Errno.EINVAL;
    }
    return base + offset < 0 ? -Errno.EINVAL : files.seek(fd, base + offset);
  }

  @Override
  public int fsync(int fd) {
    return secure(fd) ? files.fsync(fd) : sys.fsync(fd);
  }

  @Override
  public int fdatasync(int fd) {
    return secure(fd) ? files.fsync(fd) : sys.fdatasync(fd);
  }

  @Override
  public int ftruncate(int fd, long length) {
    return secure(fd) ? files.truncate(fd, length) : sys.ftruncate(fd, length);
  }

  @Override
  public int unlink(String path) {
    return files.unlink(path);
  }

  @Override
  public int mkdir(String path) {
    return sys.mkdir(path);
  }

  @Override
  public int rmdir(String path) {
    return sys.rmdir(path);
  }

  @Override
  public int rename(String from, String to) {
    return files.rename(from, to);
  }

  @Override
  public int stat(String path, long statBuffer) {
    return sys.stat(path, statBuffer);
  }

  @Override
  public long readdir(int fd, long buffer, long length) {
    return secure(fd) ? -Errno.ENOTDIR : sys.readdir(fd, buffer, length);
  }
}
