package org.sego.trustedlib;

import java.util.Map;
import java.util.TreeMap;
import org.sego.api.hap.SecureFiles;
import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/**
 * Secure files on the trusted library: each open file is mapped (shared) into the HAP, and its
 * bytes move between that mapping and HAP memory by the library's own copies (charged {@code
 * cpu.copy}), so file data crosses only mapped pages. Where the strategy keeps secure files ({@code
 * secure-file-bind} answers an OID), the name is bound to an OID, the mapping is declared as that
 * OID's intent, the length is the hypervisor's (the kernel's {@code lseek} is checked against it,
 * {@code file-length}), unlink and rename go to the hypervisor's namespace too, and {@code fsync}
 * returns only once the hypervisor confirms the file durable. Elsewhere the length comes from the
 * kernel and the checks pass through.
 */
final class LibrarySecureFiles implements SecureFiles {
  private static final long PAGE = 4096;

  private final HapRuntime runtime;
  private final UserContext user;
  private final Syscalls sys;

  private static final class Open {
    final int fd;
    final String path;
    /** The hypervisor's OID, or 0 where the strategy keeps no secure files. */
    final long oid;
    long map;
    long mapped;
    long length;
    long offset;

    Open(int fd, String path, long oid) {
      this.fd = fd;
      this.path = path;
      this.oid = oid;
    }
  }

  private final Map<Integer, Open> open = new TreeMap<>();
  /** Secure descriptors start here, far above the kernel's, so the two never collide. */
  static final int FIRST_DESCRIPTOR = 1 << 20;
  private int next = FIRST_DESCRIPTOR;

  LibrarySecureFiles(HapRuntime runtime, UserContext user, Syscalls interposed) {
    this.runtime = runtime;
    this.user = user;
    this.sys = interposed;
  }

  @Override
  public int open(String path, int flags) {
    int fd = sys.open(path, (flags & ~Fcntl.O_ACCMODE) | Fcntl.O_RDWR);
    if (fd < 0) {
      checkNamespace("open", path, fd);
      return fd;
    }
    long oid = bind(path);
    Open f = new Open(fd, path, oid);
    long len = sys.lseek(fd, 0, Fcntl.SEEK_END);
    if (len < 0) {
      sys.close(fd);
      return (int) len;
    }
    if (oid != 0 && runtime.checks.on(IagoChecks.FILE_LENGTH)) {
      // The hypervisor's length is the file's; with the check off the kernel's is taken.
      long trusted = ask(new HapHypercalls.SecureFileLength(oid, -1));
      if (!runtime.checks.fileLengthOk(path, len, trusted)) {
        runtime.halt();
      }
      len = trusted;
    }
    f.length = len;
    int r = map(f);
    if (r < 0) {
      sys.close(fd);
      return r;
    }
    int sfd = next++;
    open.put(sfd, f);
    return sfd;
  }

  /** The OID the hypervisor binds {@code path} to, or 0 where it keeps no secure files. */
  private long bind(String path) {
    return runtime.registered() ? Math.max(0, ask(new HapHypercalls.BindSecureFile(path))) : 0;
  }

  /** A kernel's ENOENT for {@code path} must not contradict the hypervisor's namespace ({@code secure-namespace}). */
  private void checkNamespace(String call, String path, long result) {
    if (result == -Errno.ENOENT && runtime.registered() && runtime.checks.on(IagoChecks.NAMESPACE)
        && !runtime.checks.namespaceOk(call, path, result, Math.max(0, ask(new HapHypercalls.LookupSecureFile(path))))) {
      runtime.halt();
    }
  }

  /** A hypercall's {@code Ok} value, or -1. */
  private long ask(org.sego.api.hypercall.Hypercall call) {
    HypercallResult r = user.hypercalls().call(call);
    return r instanceof HypercallResult.Ok ? ((HypercallResult.Ok) r).value() : -1;
  }

  private void unmap(Open f) {
    if (f.map != 0) {
      sys.munmap(f.map, f.mapped); // (the interposed munmap revokes the file's intent)
      f.map = 0;
      f.mapped = 0;
    }
  }

  /** Maps the whole file (its pages up to the length); nothing for an empty file. */
  private int map(Open f) {
    unmap(f);
    long want = (f.length + PAGE - 1) / PAGE * PAGE;
    if (want == 0) {
      return 0;
    }
    long m = sys.mmapFile(0, want, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, f.fd, 0);
    if (m < 0) {
      return (int) m;
    }
    if (f.oid != 0 && ask(new HapHypercalls.DeclareIntent(m, want, f.oid, 0)) == -1) {
      sys.munmap(m, want);
      return -Errno.EPERM;
    }
    if (runtime.registered() && !(user.hypercalls().call(new HapHypercalls.Protect(m, want))
        instanceof HypercallResult.Ok)) {
      // The file's pages are secure memory: a mapping the hypervisor will not protect is not used.
      sys.munmap(m, want);
      return -Errno.EPERM;
    }
    runtime.checks.secureRange(m, want);
    f.map = m;
    f.mapped = want;
    return 0;
  }

  /** Grows the file to {@code newLength} (never shrinks it while mapped) and maps it again. */
  private int grow(Open f, long newLength) {
    unmap(f);
    int t = sys.ftruncate(f.fd, newLength);
    if (t < 0) {
      return t;
    }
    if (f.oid != 0 && ask(new HapHypercalls.SecureFileLength(f.oid, newLength)) != newLength) {
      return -Errno.EIO;
    }
    f.length = newLength;
    return map(f);
  }

  private void copy(long from, long to, long length) {
    byte[] b = new byte[(int) Math.min(length, 1 << 16)];
    for (long done = 0; done < length; ) {
      int n = (int) Math.min(b.length, length - done);
      user.read(from + done, b, 0, n);
      user.write(to + done, b, 0, n);
      done += n;
    }
  }

  @Override
  public long read(int sfd, long buffer, long length) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (length < 0) {
      return -Errno.EINVAL;
    }
    long n = Math.max(0, Math.min(length, f.length - f.offset));
    copy(f.map + f.offset, buffer, n);
    f.offset += n;
    return n;
  }

  @Override
  public long write(int sfd, long buffer, long length) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (length < 0) {
      return -Errno.EINVAL;
    }
    if (f.offset + length > f.length) {
      int r = grow(f, f.offset + length);
      if (r < 0) {
        return r;
      }
    }
    copy(buffer, f.map + f.offset, length);
    f.offset += length;
    f.length = Math.max(f.length, f.offset);
    if (f.oid != 0 && runtime.checks.on(IagoChecks.SYNC_EACH_WRITE)) {
      int r = fsync(sfd); // S-files' rule: a write is durable before it returns
      if (r < 0) {
        return r;
      }
    }
    return length;
  }

  /** Whether {@code fd} is one of this library's secure descriptors. */
  boolean owns(int fd) {
    return open.containsKey(fd);
  }

  /** The file's offset, or -EBADF. */
  long offset(int sfd) {
    Open f = open.get(sfd);
    return f == null ? -Errno.EBADF : f.offset;
  }

  /**
   * Sets the length: grows (the new bytes read as zeros). A shrink is refused with {@code -EINVAL}
   * under the S-file rule {@code sfile-no-shrink} (the restriction reported for Sego); without it
   * the library zeroes the tail of the new last page itself (the kernel cannot touch the file's
   * pages), the kernel truncates, the hypervisor drops the pages past the end, and the file is
   * mapped again.
   */
  @Override
  public int truncate(int sfd, long length) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (length < 0) {
      return -Errno.EINVAL;
    }
    if (length < f.length) {
      if (runtime.checks.on(IagoChecks.NO_SHRINK)) {
        return -Errno.EINVAL;
      }
      long tail = Math.min(f.length, (length + PAGE - 1) / PAGE * PAGE) - length;
      if (tail > 0) {
        user.write(f.map + length, new byte[(int) tail], 0, (int) tail);
      }
      unmap(f);
      int r = sys.ftruncate(f.fd, length);
      if (r < 0) {
        return r;
      }
      if (f.oid != 0 && ask(new HapHypercalls.SecureFileLength(f.oid, length)) < 0) {
        return -Errno.EIO;
      }
      f.length = length;
      return map(f);
    }
    return length == f.length ? 0 : grow(f, length);
  }

  @Override
  public long mmap(int sfd) {
    Open f = open.get(sfd);
    return f == null ? -Errno.EBADF : f.map;
  }

  @Override
  public long seek(int sfd, long offset) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (offset < 0) {
      return -Errno.EINVAL;
    }
    f.offset = offset;
    return offset;
  }

  @Override
  public long length(int sfd) {
    Open f = open.get(sfd);
    return f == null ? -Errno.EBADF : f.length;
  }

  @Override
  public int fsync(int sfd) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    int m = f.mapped == 0 ? 0 : sys.msync(f.map, f.mapped, Mman.MS_SYNC);
    int r = m < 0 ? m : sys.fsync(f.fd);
    if (r == 0 && f.oid != 0 && ask(new HapHypercalls.ConfirmDurable(f.oid)) < 0) {
      return -Errno.EIO; // the hypervisor has not made it durable: the fsync is not reported done
    }
    return r;
  }

  @Override
  public int close(int sfd) {
    Open f = open.remove(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    unmap(f);
    return sys.close(f.fd);
  }

  @Override
  public int unlink(String path) {
    int r = sys.unlink(path);
    checkNamespace("unlink", path, r);
    if (r == 0 && runtime.registered()) {
      user.hypercalls().call(new HapHypercalls.UnbindSecureFile(path));
    }
    return r;
  }

  @Override
  public int rename(String from, String to) {
    int r = sys.rename(from, to);
    checkNamespace("rename", from, r);
    if (r == 0 && runtime.registered()) {
      user.hypercalls().call(new HapHypercalls.RenameSecureFile(from, to));
    }
    return r;
  }

  @Override
  public int commit() {
    long ticket = runtime.registered() ? ask(new HapHypercalls.CommitNames(-1)) : -1;
    int dir = sys.open("/", Fcntl.O_RDONLY);
    if (dir < 0) {
      return dir;
    }
    int r = sys.fsync(dir);
    sys.close(dir);
    if (r == 0 && ticket >= 0) {
      ask(new HapHypercalls.CommitNames(ticket)); // the hypervisor holds the kernel to the names changed before the sync
    }
    return r;
  }
}
