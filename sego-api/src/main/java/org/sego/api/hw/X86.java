package org.sego.api.hw;

import org.sego.api.Stable;

/**
 * x86-64 conventions the whole API uses: 4 KiB and 2 MiB pages, the 4-level page-table entry
 * layout, EPT entry permissions, page-fault error codes and access flags. The API is x86-specific.
 *
 * <p>Address names: {@code gva} guest-virtual, {@code gpa} guest-physical, {@code hpa}
 * host-physical; {@code gfn}/{@code hfn} are frame numbers ({@code gpa >>> 12}).
 */
@Stable(since = "0.1")
public final class X86 {
  private X86() {}

  public static final int PAGE_SHIFT = 12;
  public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
  public static final long PAGE_MASK = PAGE_SIZE - 1L;
  public static final int LARGE_PAGE_SHIFT = 21;
  public static final long LARGE_PAGE_SIZE = 1L << LARGE_PAGE_SHIFT;
  public static final int ENTRIES_PER_TABLE = 512;
  /** Canonical user addresses are below this (47-bit). */
  public static final long USER_TOP = 1L << 47;

  // Page-table entry bits (every level).
  public static final long PTE_P = 1L;
  public static final long PTE_RW = 1L << 1;
  public static final long PTE_US = 1L << 2;
  public static final long PTE_PWT = 1L << 3;
  public static final long PTE_PCD = 1L << 4;
  public static final long PTE_A = 1L << 5;
  public static final long PTE_D = 1L << 6;
  /** Page size: at the PDE level, maps a 2 MiB page. */
  public static final long PTE_PS = 1L << 7;
  public static final long PTE_G = 1L << 8;
  public static final long PTE_NX = 1L << 63;
  /** Physical address bits 12..51 of an entry. */
  public static final long PTE_ADDR = 0x000F_FFFF_FFFF_F000L;
  /** Physical address bits 21..51 of a 2 MiB leaf. */
  public static final long PTE_ADDR_2M = 0x000F_FFFF_FFE0_0000L;

  // Page-fault error code bits, also used as the access flags passed to translation.
  public static final int PF_P = 1;
  public static final int PF_W = 1 << 1;
  public static final int PF_U = 1 << 2;
  public static final int PF_RSVD = 1 << 3;
  public static final int PF_I = 1 << 4;

  /** Access flags: a read is 0; combine {@code ACCESS_WRITE}, {@code ACCESS_USER}, {@code ACCESS_EXEC}. */
  public static final int ACCESS_READ = 0;
  public static final int ACCESS_WRITE = PF_W;
  public static final int ACCESS_USER = PF_U;
  public static final int ACCESS_EXEC = PF_I;

  // EPT leaf entry permission bits.
  public static final int EPT_R = 1;
  public static final int EPT_W = 1 << 1;
  public static final int EPT_X = 1 << 2;
  public static final int EPT_RWX = EPT_R | EPT_W | EPT_X;

  /**
   * The EPT permissions an access requires: R for a read, R and W for a write (W without R is an EPT
   * misconfiguration on x86), X for a fetch.
   */
  public static int eptRequired(int access) {
    if ((access & ACCESS_EXEC) != 0) {
      return EPT_X;
    }
    return (access & ACCESS_WRITE) != 0 ? EPT_R | EPT_W : EPT_R;
  }

  /** The kind of an access as an EPT qualification reports it: R for reads, W for writes, X for fetches. */
  public static int eptNeed(int access) {
    if ((access & ACCESS_EXEC) != 0) {
      return EPT_X;
    }
    return (access & ACCESS_WRITE) != 0 ? EPT_W : EPT_R;
  }

  /** Index into the table at {@code level} (4 = PML4 ... 1 = PT) for {@code gva}. */
  public static int tableIndex(long gva, int level) {
    return (int) ((gva >>> (PAGE_SHIFT + 9 * (level - 1))) & 0x1FF);
  }

  public static long pageBase(long address) {
    return address & ~PAGE_MASK;
  }
}
