package org.sego.hw.x86.mmu;

import org.sego.api.hw.EptView;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.support.ChunkedLongArray;

/**
 * One EPT view as a lazily allocated table of leaf entries by gfn ({@code hfn << 12 | R/W/X}). The
 * OS view maps guest memory one-to-one with RWX by default, with 2 MiB entries, without storing an
 * entry per frame; an explicit entry (bit 10) overrides the default. A 2 MiB entry is a bit per
 * region: a 4 KiB change inside it splinters it (counted), after which the region's TLB entries are
 * 4 KiB. Every change invalidates exactly the TLB entries that translated through that gfn (or its
 * region) in this view; a change to what is already there is no change.
 */
public final class EptTable implements EptView {
  /** Software bit marking an explicitly stored entry (EPT bits 8..11 are ignored by hardware). */
  static final long EXPLICIT = 1L << 10;
  /** Software bit keeping the frame of an entry whose permissions are all cleared. */
  static final long MAPPED = 1L << 11;

  private final int id;
  private final String name;
  private final long guestFrames;
  private final boolean identityDefault;
  private final ChunkedLongArray entries;
  private final Tlb tlb;
  /** One bit per 2 MiB region: set while one 2 MiB EPT entry maps it. */
  private final long[] large;
  private long invalidations;
  private long splinters;

  EptTable(int id, String name, long guestFrames, boolean identityDefault, Tlb tlb) {
    this.id = id;
    this.name = name;
    this.guestFrames = guestFrames;
    this.identityDefault = identityDefault;
    this.entries = new ChunkedLongArray(guestFrames);
    this.tlb = tlb;
    long regions = guestFrames / REGION;
    this.large = new long[(int) ((regions + 63) / 64)];
    if (identityDefault) {
      // The OS view maps guest memory one-to-one with 2 MiB entries wherever a whole region fits.
      for (long r = 0; r < regions; r++) {
        large[(int) (r >>> 6)] |= 1L << r;
      }
    }
  }

  /** 4 KiB frames per 2 MiB EPT entry. */
  static final long REGION = X86.LARGE_PAGE_SIZE / X86.PAGE_SIZE;

  @Override
  public boolean isLarge(long gfn) {
    long r = gfn / REGION;
    return gfn >= 0 && r < (long) large.length * 64 && (large[(int) (r >>> 6)] & (1L << r)) != 0;
  }

  /** Splits the 2 MiB entry over {@code gfn} into 512 4 KiB entries with the same mapping. */
  private void splinter(long gfn) {
    long r = gfn / REGION;
    large[(int) (r >>> 6)] &= ~(1L << r);
    splinters++;
  }

  long invalidations() {
    return invalidations;
  }

  long splinters() {
    return splinters;
  }

  @Override
  public void mapLarge(long gfn, long hfn, int permissions) {
    if (gfn % REGION != 0 || hfn % REGION != 0) {
      throw new IllegalArgumentException("a 2 MiB EPT entry maps a 512-aligned gfn to a 512-aligned hfn, not 0x"
          + Long.toHexString(gfn) + " -> 0x" + Long.toHexString(hfn));
    }
    checkGfn(gfn + REGION - 1);
    boolean wasPresent = false;
    for (long i = 0; i < REGION && !wasPresent; i++) {
      wasPresent = entry(gfn + i) != 0;
    }
    for (long i = 0; i < REGION; i++) {
      entries.set(gfn + i, ((hfn + i) << X86.PAGE_SHIFT) | (permissions & X86.EPT_RWX) | EXPLICIT | MAPPED);
    }
    long r = gfn / REGION;
    large[(int) (r >>> 6)] |= 1L << r;
    if (wasPresent) {
      // Only a present entry can be cached: filling empty entries needs no invalidation.
      invalidations++;
    }
    tlb.invalidateRegion(id, gfn);
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long entry(long gfn) {
    if (gfn < 0 || gfn >= guestFrames) {
      return 0;
    }
    long e = entries.get(gfn);
    if (e == 0) {
      return identityDefault ? (gfn << X86.PAGE_SHIFT) | X86.EPT_RWX : 0;
    }
    return (e & X86.EPT_RWX) == 0 ? 0 : e & ~(EXPLICIT | MAPPED);
  }

  /** The frame an entry maps even when its permissions are cleared, or -1. */
  @Override
  public long frame(long gfn) {
    long e = entries.get(gfn);
    if (e == 0) {
      return identityDefault && gfn < guestFrames ? gfn : -1;
    }
    return (e & MAPPED) != 0 ? (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT : -1;
  }

  @Override
  public void map(long gfn, long hfn, int permissions) {
    checkGfn(gfn);
    long e = (hfn << X86.PAGE_SHIFT) | (permissions & X86.EPT_RWX) | EXPLICIT | MAPPED;
    if (stored(gfn) == e) {
      return;
    }
    change(gfn, e);
  }

  /** The entry as stored, with the default made explicit, for telling a change from a no-op. */
  private long stored(long gfn) {
    long e = entries.get(gfn);
    if (e == 0 && identityDefault) {
      return (gfn << X86.PAGE_SHIFT) | X86.EPT_RWX | EXPLICIT | MAPPED;
    }
    return e;
  }

  private void change(long gfn, long e) {
    if (isLarge(gfn)) {
      splinter(gfn);
      tlb.invalidateRegion(id, gfn);
    }
    if (entry(gfn) != 0) {
      invalidations++;
    }
    entries.set(gfn, e);
    tlb.invalidateGfn(id, gfn);
  }

  @Override
  public void setPermissions(long gfn, int permissions) {
    long hfn = frame(gfn);
    if (hfn < 0) {
      throw new IllegalStateException("EPT view " + name + " does not map gfn 0x" + Long.toHexString(gfn));
    }
    map(gfn, hfn, permissions);
  }

  @Override
  public void unmap(long gfn) {
    checkGfn(gfn);
    if (stored(gfn) == EXPLICIT) {
      return;
    }
    change(gfn, EXPLICIT);
  }

  @Override
  public long translate(long gpa, int access) {
    long gfn = gpa >>> X86.PAGE_SHIFT;
    long e = entry(gfn);
    int required = X86.eptRequired(access);
    if ((e & required) != required) {
      int qual = X86.eptNeed(access) | (int) ((e & X86.EPT_RWX) << Translation.EPT_Q_ALLOWED_SHIFT) | Translation.EPT_Q_FINAL;
      return Translation.eptViolation(gfn, qual);
    }
    return (e & X86.PTE_ADDR) | (gpa & X86.PAGE_MASK);
  }

  private void checkGfn(long gfn) {
    if (gfn < 0 || gfn >= guestFrames) {
      throw new IndexOutOfBoundsException("gfn 0x" + Long.toHexString(gfn) + " outside guest memory of " + guestFrames + " frames");
    }
  }
}
