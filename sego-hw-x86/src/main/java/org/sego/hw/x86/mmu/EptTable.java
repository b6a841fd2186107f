package org.sego.hw.x86.mmu;

import org.sego.api.hw.EptView;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.support.ChunkedLongArray;

/**
 * One EPT view as a lazily allocated table of leaf entries by gfn ({@code hfn << 12 | R/W/X}). The
 * OS view maps guest memory one-to-one with RWX by default without storing an entry per frame;
 * an explicit entry (bit 10) overrides the default. Every change invalidates exactly the TLB
 * entries that translated through that gfn in this view.
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

  EptTable(int id, String name, long guestFrames, boolean identityDefault, Tlb tlb) {
    this.id = id;
    this.name = name;
    this.guestFrames = guestFrames;
    this.identityDefault = identityDefault;
    this.entries = new ChunkedLongArray(guestFrames);
    this.tlb = tlb;
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
    entries.set(gfn, (hfn << X86.PAGE_SHIFT) | (permissions & X86.EPT_RWX) | EXPLICIT | MAPPED);
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
    entries.set(gfn, EXPLICIT);
    tlb.invalidateGfn(id, gfn);
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
