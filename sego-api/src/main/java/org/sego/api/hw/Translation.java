package org.sego.api.hw;

import org.sego.api.Stable;

/**
 * The packed {@code long} a translation returns, so the per-access path allocates nothing. A value
 * {@code >= 0} is the host-physical address. A negative value is a fault: bits 60..62 hold the
 * kind, bits 12..51 the frame (the faulting gfn for an EPT violation), bits 0..11 the code (the
 * page-fault error code, or the EPT qualification).
 */
@Stable(since = "0.1")
public final class Translation {
  private Translation() {}

  public static final int KIND_PAGE_FAULT = 1;
  public static final int KIND_EPT_VIOLATION = 2;

  // EPT qualification bits (Intel SDM layout, abridged).
  public static final int EPT_Q_READ = 1;
  public static final int EPT_Q_WRITE = 1 << 1;
  public static final int EPT_Q_EXEC = 1 << 2;
  /** Bits 3..5: the permissions the entry had. */
  public static final int EPT_Q_ALLOWED_SHIFT = 3;
  /** Set when the access was to the final page, clear when to a guest paging structure. */
  public static final int EPT_Q_FINAL = 1 << 8;

  private static final long FAULT = 1L << 63;

  public static boolean isFault(long r) {
    return r < 0;
  }

  public static int kind(long r) {
    return (int) ((r >>> 60) & 7);
  }

  public static int code(long r) {
    return (int) (r & 0xFFF);
  }

  public static long frame(long r) {
    return (r >>> 12) & 0xFF_FFFF_FFFFL;
  }

  public static long pageFault(int errorCode) {
    return FAULT | ((long) KIND_PAGE_FAULT << 60) | (errorCode & 0xFFF);
  }

  public static long eptViolation(long gfn, int qualification) {
    return FAULT | ((long) KIND_EPT_VIOLATION << 60) | ((gfn & 0xFF_FFFF_FFFFL) << 12) | (qualification & 0xFFF);
  }

  public static String describe(long r) {
    if (!isFault(r)) {
      return "hpa 0x" + Long.toHexString(r);
    }
    if (kind(r) == KIND_PAGE_FAULT) {
      return "page fault, error code 0x" + Integer.toHexString(code(r));
    }
    return "EPT violation at gfn 0x" + Long.toHexString(frame(r)) + ", qualification 0x" + Integer.toHexString(code(r));
  }
}
