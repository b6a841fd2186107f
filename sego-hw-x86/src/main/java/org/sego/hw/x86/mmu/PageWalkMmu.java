package org.sego.hw.x86.mmu;

import org.sego.api.hw.EptView;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;

/**
 * The x86-64 MMU: a TLB lookup, and on a miss the 4-level walk (PML4, PDPT, PD, PT) over tables in
 * guest frames, each table read translated through the EPT view (a two-dimensional walk), setting
 * accessed and dirty bits as hardware does. Faults are packed return values; nothing allocates.
 */
public final class PageWalkMmu implements Mmu {
  private final PhysicalMemory memory;
  private final Tlb tlb;
  private long walkSteps;

  public PageWalkMmu(PhysicalMemory memory, Tlb tlb) {
    this.memory = memory;
    this.tlb = tlb;
  }

  public Tlb tlb() {
    return tlb;
  }

  @Override
  public long translate(long cr3, EptView view, long gva, int access) {
    if (gva < 0 || gva >= X86.USER_TOP) {
      // Non-canonical or kernel half: a user program has nothing there.
      return Translation.pageFault(access & (X86.PF_W | X86.PF_U | X86.PF_I));
    }
    int viewId = view.id();
    long d = tlb.lookup(cr3, viewId, gva);
    if (d != 0 && permits(d, access)) {
      tlb.countHit();
      if ((d & Tlb.LARGE) == 0) {
        return (d & X86.PTE_ADDR) | (gva & X86.PAGE_MASK);
      }
      return (d & X86.PTE_ADDR_2M) | (gva & (X86.LARGE_PAGE_SIZE - 1));
    }
    tlb.countMiss();
    return walk(cr3, view, gva, access);
  }

  private static boolean permits(long d, int access) {
    if ((access & X86.ACCESS_WRITE) != 0 && (d & (Tlb.F_WRITE | Tlb.F_DIRTY)) != (Tlb.F_WRITE | Tlb.F_DIRTY)) {
      return false;
    }
    if ((access & X86.ACCESS_USER) != 0 && (d & Tlb.F_USER) == 0) {
      return false;
    }
    return (access & X86.ACCESS_EXEC) == 0 || (d & Tlb.F_EXEC) != 0;
  }

  private long walk(long cr3, EptView view, long gva, int access) {
    boolean write = (access & X86.ACCESS_WRITE) != 0;
    boolean user = (access & X86.ACCESS_USER) != 0;
    boolean exec = (access & X86.ACCESS_EXEC) != 0;
    int errAccess = access & (X86.PF_W | X86.PF_U | X86.PF_I);
    long table = cr3 & X86.PTE_ADDR;
    boolean allowWrite = true;
    boolean allowUser = true;
    boolean allowExec = true;
    for (int level = 4; level >= 1; level--) {
      long slotGpa = table + 8L * X86.tableIndex(gva, level);
      long slotHpa = view.translate(slotGpa, X86.ACCESS_READ);
      walkSteps++;
      if (Translation.isFault(slotHpa)) {
        return clearFinal(slotHpa);
      }
      long e = memory.load64(slotHpa);
      if ((e & X86.PTE_P) == 0) {
        return Translation.pageFault(errAccess);
      }
      boolean leaf = level == 1 || (e & X86.PTE_PS) != 0;
      if ((e & X86.PTE_PS) != 0 && level > 2) {
        // 1 GiB pages are not modelled; a PS bit above the PD level is reserved here.
        return Translation.pageFault(errAccess | X86.PF_P | X86.PF_RSVD);
      }
      allowWrite &= (e & X86.PTE_RW) != 0;
      allowUser &= (e & X86.PTE_US) != 0;
      allowExec &= (e & X86.PTE_NX) == 0;
      if ((write && !allowWrite) || (user && !allowUser) || (exec && !allowExec)) {
        return Translation.pageFault(errAccess | X86.PF_P);
      }
      long wantBits = X86.PTE_A | (leaf && write ? X86.PTE_D : 0);
      if ((e & wantBits) != wantBits) {
        long slotHpaW = view.translate(slotGpa, X86.ACCESS_WRITE);
        if (Translation.isFault(slotHpaW)) {
          return clearFinal(slotHpaW);
        }
        e |= wantBits;
        memory.store64(slotHpaW, e);
      }
      if (leaf) {
        long flags = (allowWrite ? Tlb.F_WRITE : 0) | (allowUser ? Tlb.F_USER : 0)
            | (allowExec ? Tlb.F_EXEC : 0) | ((e & X86.PTE_D) != 0 ? Tlb.F_DIRTY : 0);
        if (level == 2) {
          long gpaBase = e & X86.PTE_ADDR_2M;
          long gpa = gpaBase | (gva & (X86.LARGE_PAGE_SIZE - 1));
          long hpa = view.translate(gpa, access);
          long gfn = gpa >>> X86.PAGE_SHIFT;
          long ept = view.entry(gfn);
          if (!Translation.isFault(hpa) && (ept & X86.EPT_R) != 0) {
            long eptFlags = ((ept & X86.EPT_W) != 0 ? Tlb.F_WRITE : 0) | ((ept & X86.EPT_X) != 0 ? Tlb.F_EXEC : 0)
                | Tlb.F_USER | Tlb.F_DIRTY;
            if (view.isLarge(gfn)) {
              // A 2 MiB guest page over a 2 MiB EPT entry: one TLB entry for all of it.
              tlb.insert(cr3, view.id(), gva, true, hpa & ~(X86.LARGE_PAGE_SIZE - 1), flags & eptFlags, gpaBase >>> X86.PAGE_SHIFT);
            } else {
              // Over 4 KiB EPT entries the TLB entry is only as large as the smaller page.
              tlb.insertFractured(cr3, view.id(), gva, hpa & ~X86.PAGE_MASK, flags & eptFlags, gfn);
            }
          }
          return hpa;
        }
        long gpa = (e & X86.PTE_ADDR) | (gva & X86.PAGE_MASK);
        long hpa = view.translate(gpa, access);
        long ept = view.entry(gpa >>> X86.PAGE_SHIFT);
        if (!Translation.isFault(hpa) && (ept & X86.EPT_R) != 0) {
          // The cached entry combines guest and EPT permissions, as a hardware TLB does; an
          // entry the EPT makes unreadable is not cached at all.
          long eptFlags = ((ept & X86.EPT_W) != 0 ? Tlb.F_WRITE : 0) | ((ept & X86.EPT_X) != 0 ? Tlb.F_EXEC : 0)
              | Tlb.F_USER | Tlb.F_DIRTY;
          tlb.insert(cr3, view.id(), gva, false, hpa & ~X86.PAGE_MASK, flags & eptFlags, gpa >>> X86.PAGE_SHIFT);
        }
        return hpa;
      }
      table = e & X86.PTE_ADDR;
    }
    throw new AssertionError("unreachable");
  }

  /** An EPT violation on a paging-structure access is not on the final page. */
  private static long clearFinal(long violation) {
    return Translation.eptViolation(Translation.frame(violation), Translation.code(violation) & ~Translation.EPT_Q_FINAL);
  }

  @Override
  public void invalidatePage(long cr3, long gva) {
    tlb.invalidatePage(cr3, gva);
  }

  @Override
  public void invalidateAddressSpace(long cr3) {
    tlb.invalidateAddressSpace(cr3);
  }

  @Override
  public void flushAll() {
    tlb.flushAll();
  }

  @Override
  public long walkSteps() {
    return walkSteps;
  }

  @Override
  public long tlbHits() {
    return tlb.hits();
  }

  @Override
  public long tlbMisses() {
    return tlb.misses();
  }
}
