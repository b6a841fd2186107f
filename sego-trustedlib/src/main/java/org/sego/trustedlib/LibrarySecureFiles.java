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
 * Secure files on the trusted library: a window of each open file ({@link #WINDOW}, aligned) is
 * mapped (shared) into the HAP, and its bytes move between that window and HAP memory by the
 * library's own copies (charged {@code cpu.copy}), so file data crosses only mapped pages; pages
 * outside the window are the kernel's to write back and evict, so a file may be larger than the
 * page cache. {@link #mmap} maps the whole file instead, until it is closed. Where the strategy keeps secure files ({@code
 * secure-file-bind} answers an OID), the name is bound to an OID, the mapping is declared as that
 * OID's intent, the length is the hypervisor's (the kernel's {@code lseek} is checked against it,
 * {@code file-length}), unlink and rename go to the hypervisor's namespace too, and {@code fsync}
 * returns only once the hypervisor confirms the file durable. Elsewhere the length comes from the
 * kernel and the checks pass through.
 */
final class LibrarySecureFiles implements SecureFiles {
  private static final long PAGE = 4096;
  /** Bytes of a file mapped at once for read and write (an aligned window). */
  static final long WINDOW = 1L << 20;

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
    /** File offset the mapping starts at. */
    long start;
    /** The whole file stays mapped ({@link LibrarySecureFiles#mmap} was asked). */
    boolean whole;
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

  /** Bytes of the file's pages: its length rounded up to a page. */
  private static long pages(Open f) {
    return (f.length + PAGE - 1) / PAGE * PAGE;
  }

  /**
   * Makes the mapping cover file offset {@code position} (below the length): the whole file in
   * whole mode, else the aligned window around it, mapped again only when it is not the current one.
   */
  private int cover(Open f, long position) {
    long start = f.whole ? 0 : position / WINDOW * WINDOW;
    long want = f.whole ? pages(f) : Math.min(WINDOW, pages(f) - start);
    if (f.map != 0 && f.start == start && f.mapped == want) {
      return 0;
    }
    return map(f, start, want);
  }

  /** Maps {@code want} bytes of the file from {@code start} (page-aligned, within its pages). */
  private int map(Open f, long start, long want) {
    unmap(f);
    if (want <= 0) {
      return 0;
    }
    long m = sys.mmapFile(0, want, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, f.fd, start);
    if (m < 0) {
      return (int) m;
    }
    if (f.oid != 0 && ask(new HapHypercalls.DeclareIntent(m, want, f.oid, start)) == -1) {
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
    f.start = start;
    return 0;
  }

  /** Grows the file to {@code newLength}; a mapping its old last page ended is mapped again when next used. */
  private int grow(Open f, long newLength) {
    if (f.map != 0 && f.start + f.mapped >= pages(f)) {
      unmap(f);
    }
    int t = sys.ftruncate(f.fd, newLength);
    if (t < 0) {
      return t;
    }
    if (f.oid != 0 && ask(new HapHypercalls.SecureFileLength(f.oid, newLength)) != newLength) {
      return -Errno.EIO;
    }
    f.length = newLength;
    return f.whole ? cover(f, 0) : 0;
  }

  /**
   * Copies {@code length} bytes between HAP memory at {@code buffer} and the file at {@code
   * position} (below the length), window by window; {@code toFile} for a write.
   */
  private int transfer(Open f, long position, long buffer, long length, boolean toFile) {
    for (long done = 0; done < length; ) {
      long at = position + done;
      int r = cover(f, at);
      if (r < 0) {
        return r;
      }
      long n = Math.min(length - done, f.start + f.mapped - at);
      long file = f.map + (at - f.start);
      if (toFile) {
        copy(buffer + done, file, n);
      } else {
        copy(file, buffer + done, n);
      }
      done += n;
    }
    return 0;
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
    int r = transfer(f, f.offset, buffer, n, false);
    if (r < 0) {
      return r;
    }
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
    int t = transfer(f, f.offset, buffer, length, true);
    if (t < 0) {
      return t;
    }
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

  /**
   * A HAP's {@code mmap} of a secure file: the file's whole mapping ({@link #mmap}), for offset 0
   * and a length within the file's pages; {@code -EINVAL} otherwise.
   */
  long mapFile(int sfd, long length, long offset) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (offset != 0 || length <= 0 || length > pages(f)) {
      return -Errno.EINVAL;
    }
    return mmap(sfd);
  }

  /** Whether {@code address} starts a secure file's whole mapping (the library unmaps it at close). */
  boolean wholeMapping(long address) {
    for (Open f : open.values()) {
      if (f.whole && f.map == address && address != 0) {
        return true;
      }
    }
    return false;
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
        int c = cover(f, length);
        if (c < 0) {
          return c;
        }
        user.write(f.map + (length - f.start), new byte[(int) tail], 0, (int) tail);
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
      return f.whole ? cover(f, 0) : 0;
    }
    return length == f.length ? 0 : grow(f, length);
  }

  @Override
  public long mmap(int sfd) {
    Open f = open.get(sfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    f.whole = true;
    int r = cover(f, 0);
    return r < 0 ? r : f.map;
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
    int r = sys.close(f.fd);
    if (f.oid != 0 && open.values().stream().noneMatch(o -> o.oid == f.oid)) {
      // This HAP's last close of the file: an unlinked file nobody else holds goes now.
      user.hypercalls().call(new HapHypercalls.ReleaseSecureFile(f.oid));
    }
    return r;
  }

  /**
   * Unlinks {@code path}. A file this HAP holds open lives until its last close (POSIX): the
   * hypervisor drops the name now and the pages then.
   */
  @Override
  public int unlink(String path) {
    long oid = runtime.registered() && !open.isEmpty() ? ask(new HapHypercalls.LookupSecureFile(path)) : 0;
    boolean held = oid > 0 && open.values().stream().anyMatch(o -> o.oid == oid);
    int r = sys.unlink(path);
    checkNamespace("unlink", path, r);
    if (r == 0 && runtime.registered()) {
      ask(new HapHypercalls.UnbindSecureFile(path, held)); // (a held file lives until its last close, released there)
    }
    return r;
  }

  @Override
  public int rename(String from, String to) {
    long replaced = runtime.registered() && !open.isEmpty() ? ask(new HapHypercalls.LookupSecureFile(to)) : 0;
    boolean held = replaced > 0 && open.values().stream().anyMatch(o -> o.oid == replaced);
    int r = sys.rename(from, to);
    checkNamespace("rename", from, r);
    if (r == 0 && runtime.registered()) {
      ask(new HapHypercalls.RenameSecureFile(from, to, held)); // (a replaced file held open lives until its last close)
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
