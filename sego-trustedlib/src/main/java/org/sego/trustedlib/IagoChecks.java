package org.sego.trustedlib;

import org.sego.api.hypercall.Capabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.sego.api.hw.X86;

/**
 * The trusted library's checks of the kernel's answers (Iago defences), one shared piece of code
 * for every strategy. A check runs only when the hypervisor accepted the HAP (what its trusted view
 * can answer, as its capabilities say); under a strategy that protects nothing, all pass through.
 */
final class IagoChecks {
  static final String MMAP_RESULT = Capabilities.CHECK_MMAP_RESULT;
  static final String BRK_RESULT = Capabilities.CHECK_BRK_RESULT;
  static final String RANDOM_LENGTH = Capabilities.CHECK_RANDOM_LENGTH;
  static final String PID_STABLE = Capabilities.CHECK_PID_STABLE;
  static final String IO_LENGTH = Capabilities.CHECK_IO_LENGTH;
  static final String FILE_LENGTH = Capabilities.CHECK_FILE_LENGTH;
  static final String LSEEK_RESULT = Capabilities.CHECK_LSEEK_RESULT;
  static final String CLOCK_MONOTONIC = Capabilities.CHECK_CLOCK_MONOTONIC;
  static final String RANDOM_SOURCE = Capabilities.CHECK_RANDOM_SOURCE;
  static final String SYNC_EACH_WRITE = Capabilities.CHECK_SYNC_EACH_WRITE;
  static final String NO_SHRINK = Capabilities.CHECK_NO_SHRINK;
  static final String NAMESPACE = Capabilities.CHECK_NAMESPACE;
  static final String UNMAP_DONE = Capabilities.CHECK_UNMAP_DONE;
  static final String PROTECT_DONE = Capabilities.CHECK_PROTECT_DONE;
  private long lastClock = Long.MIN_VALUE;

  private final Set<String> enabled = new TreeSet<>();
  private final List<long[]> secure = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  /** Enables the checks the strategy's capabilities name: what its trusted view can answer. */
  void enable(Set<String> checks) {
    enabled.addAll(checks);
  }

  boolean on(String check) {
    return enabled.contains(check);
  }

  void secureRange(long start, long length) {
    secure.add(new long[] {start, start + length});
  }

  /** {@code [start, start + length)} was unmapped: it is no longer secure memory (a later mmap may reuse it). */
  void unsecureRange(long start, long length) {
    long end = start + length;
    List<long[]> kept = new ArrayList<>();
    for (long[] r : secure) {
      if (r[1] <= start || r[0] >= end) {
        kept.add(r);
        continue;
      }
      if (r[0] < start) {
        kept.add(new long[] {r[0], start});
      }
      if (r[1] > end) {
        kept.add(new long[] {end, r[1]});
      }
    }
    secure.clear();
    secure.addAll(kept);
  }

  private boolean overlapsSecure(long start, long end) {
    for (long[] r : secure) {
      if (start < r[1] && end > r[0]) {
        return true;
      }
    }
    return false;
  }

  /** An mmap result must be page-aligned, in user space, and clear of the HAP's secure memory. */
  boolean mmapOk(long result, long length) {
    if (!on(MMAP_RESULT) || result < 0) {
      return true;
    }
    long end = result + ((length + X86.PAGE_MASK) & ~X86.PAGE_MASK);
    return fail(MMAP_RESULT, (result & X86.PAGE_MASK) == 0 && end <= X86.USER_TOP && !overlapsSecure(result, end),
        "mmap returned 0x" + Long.toHexString(result));
  }

  boolean brkOk(long result) {
    return !on(BRK_RESULT) || fail(BRK_RESULT, result >= 0 && !overlapsSecure(result - 1, result),
        "brk returned 0x" + Long.toHexString(result));
  }

  boolean randomOk(long result, long requested) {
    return !on(RANDOM_LENGTH) || fail(RANDOM_LENGTH, result <= requested, "getrandom returned " + result + " > " + requested);
  }

  boolean pidOk(int result, int first) {
    return !on(PID_STABLE) || fail(PID_STABLE, first == 0 || result == first, "getpid changed from " + first + " to " + result);
  }

  /** A transfer's answer never exceeds the piece the library asked for (else the copy would overrun). */
  boolean ioLengthOk(long result, long requested) {
    return !on(IO_LENGTH) || fail(IO_LENGTH, result <= requested, "the kernel claimed " + result + " bytes of " + requested);
  }

  /** An lseek answer: never negative, and with {@code SEEK_SET} the offset asked for (an error passes). */
  boolean lseekOk(long result, long offset, int whence) {
    if (!on(LSEEK_RESULT) || (result < 0 && result >= -4095)) {
      return true;
    }
    return fail(LSEEK_RESULT, result >= 0 && (whence != org.sego.api.posix.Fcntl.SEEK_SET || result == offset),
        "lseek to " + offset + " (whence " + whence + ") answered " + result);
  }

  /** The clock never goes backwards. */
  boolean clockOk(long now) {
    if (!on(CLOCK_MONOTONIC)) {
      return true;
    }
    boolean ok = now >= lastClock;
    long before = lastClock;
    lastClock = Math.max(lastClock, now);
    return fail(CLOCK_MONOTONIC, ok, "the clock went back from " + before + " to " + now + " ns");
  }

  /** A secure file's length from the kernel is not shorter than the hypervisor's ({@code trusted}). */
  boolean fileLengthOk(String path, long kernel, long trusted) {
    // Longer is no lie the HAP can be hurt by (it reads up to the trusted length; after a power
    // failure the kernel may hold a length the hypervisor had not made durable yet); shorter is.
    return !on(FILE_LENGTH) || fail(FILE_LENGTH, kernel >= trusted, "lseek says " + path + " is " + kernel
        + " bytes, shorter than the " + trusted + " the hypervisor keeps");
  }

  /** {@code call} of {@code path} answered {@code result}: ENOENT contradicts the hypervisor's binding of it ({@code oid}, 0: none). */
  boolean namespaceOk(String call, String path, long result, long oid) {
    return !on(NAMESPACE) || fail(NAMESPACE, !(result == -org.sego.api.posix.Errno.ENOENT && oid != 0),
        call + "(" + path + ") answered ENOENT, but the hypervisor binds it to secure file " + oid);
  }

  /** A directory listed to its end showed {@code listed} of the {@code bound} secure files the hypervisor binds in it. */
  boolean listingOk(String dir, long listed, long bound) {
    return !on(NAMESPACE) || fail(NAMESPACE, listed >= bound, "readdir of " + dir + " listed " + listed + " of the " + bound
        + " secure files the hypervisor binds there");
  }

  /** {@code stat} says secure file {@code path} is {@code size} bytes: not shorter than the hypervisor's {@code trusted} length. */
  boolean statSizeOk(String path, long size, long trusted) {
    return !on(NAMESPACE) || fail(NAMESPACE, size >= trusted, "stat says " + path + " is " + size
        + " bytes, shorter than the " + trusted + " the hypervisor keeps");
  }

  private boolean fail(String check, boolean ok, String what) {
    if (!ok) {
      failures.add(check + ": " + what);
    }
    return ok;
  }

  List<String> failures() {
    return failures;
  }
}
