package org.sego.workloads;

import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/**
 * Bytes that are a function of a stream and their position only, so a workload can write any range
 * of a file and check any range it reads back without keeping a copy: the reference is recomputed
 * outside the simulation from the seed.
 */
final class Content {
  private Content() {}

  /** Stream of file {@code file} at {@code generation} under {@code seed}. */
  static long stream(long seed, long file, long generation) {
    return mix(seed * 0x9E3779B97F4A7C15L + file * 0xC2B2AE3D27D4EB4FL + generation * 0x165667B19E3779F9L);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Fills {@code b[off, off+len)} with the stream's bytes at {@code position, position+len)}. */
  static void fill(byte[] b, int off, int len, long stream, long position) {
    long word = Long.MIN_VALUE;
    long value = 0;
    for (int i = 0; i < len; i++) {
      long p = position + i;
      if (p >>> 3 != word) {
        word = p >>> 3;
        value = mix(stream + word);
      }
      b[off + i] = (byte) (value >>> ((p & 7) << 3));
    }
  }

  /** Whether {@code b[off, off+len)} holds the stream's bytes at {@code position}. */
  static boolean matches(byte[] b, int off, int len, long stream, long position) {
    byte[] want = new byte[len];
    fill(want, 0, len, stream, position);
    return java.util.Arrays.equals(b, off, off + len, want, 0, len);
  }

  /** Writes {@code len} bytes of the stream at file offset {@code position} through the buffer at {@code buf}. */
  static boolean pwrite(UserContext u, int fd, long buf, byte[] scratch, int len, long stream, long position) {
    fill(scratch, 0, len, stream, position);
    u.write(buf, scratch, 0, len);
    return u.syscalls().pwrite(fd, buf, len, position) == len;
  }

  /** Reads {@code len} bytes at {@code position} and checks them against the stream. */
  static boolean pread(UserContext u, int fd, long buf, byte[] scratch, int len, long stream, long position) {
    if (u.syscalls().pread(fd, buf, len, position) != len) {
      return false;
    }
    u.read(buf, scratch, 0, len);
    return matches(scratch, 0, len, stream, position);
  }

  /** Waits for {@code children} children; the sum of their exit statuses. */
  static int reap(UserContext u, int children) {
    Syscalls s = u.syscalls();
    if (children == 0) {
      return 0;
    }
    long status = Pages.anonymous(s, Pages.SIZE);
    int bad = 0;
    for (int k = 0; k < children; k++) {
      s.waitpid(-1, status);
      bad += (int) u.load64(status);
    }
    return bad;
  }
}
