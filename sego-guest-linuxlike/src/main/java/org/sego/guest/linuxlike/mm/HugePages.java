package org.sego.guest.linuxlike.mm;

import org.sego.api.hw.X86;

/** 2 MiB pages: mapping one at fault where an aligned range allows, and splitting one into 512 4 KiB entries. */
final class HugePages {
  private static final long LARGE_FRAMES = 512;
  private final MemoryManager mm;

  HugePages(MemoryManager mm) {
    this.mm = mm;
  }

  /** Whether a fault at {@code page} of {@code vma} may map a whole 2 MiB page. */
  boolean hugeEligible(Vma vma, long page) {
    long region = page & ~(X86.LARGE_PAGE_SIZE - 1);
    return mm.settings.thp() && !vma.shared && vma.start <= region && region + X86.LARGE_PAGE_SIZE <= vma.end;
  }

  boolean mapHuge(AddressSpace as, Vma vma, long pdSlot, long region) {
    long f = mm.buddy.allocate(BuddyAllocator.MAX_ORDER);
    if (f < 0) {
      mm.hugeUnavailable.add(1);
      return false;
    }
    for (long i = 0; i < LARGE_FRAMES; i++) {
      mm.memory.zeroFrame(f + i);
    }
    mm.frames.setFlags(f, FrameTable.ANON | FrameTable.HUGE | (mm.hap.hapSpace(as) ? FrameTable.HAP : 0));
    mm.frames.map(f, as.pid, region >>> X86.PAGE_SHIFT);
    mm.hap.installPte(as, region, pdSlot, mm.pteFor(f, vma, vma.writable()) | X86.PTE_PS);
    mm.reclaimer.added(f);
    mm.hugeFaults.add(1);
    if (mm.buddy.freeFrames() < mm.settings.lowWatermark()) {
      mm.reclaimer.wakeKswapd();
    }
    return true;
  }

  /** Replaces the 2 MiB mapping at {@code pdSlot} by a page table of 512 4 KiB entries. */
  void splitHuge(AddressSpace as, long pdSlot, long region) {
    long pt = mm.tableAllocator(as).getAsLong();
    if (pt < 0) {
      throw new IllegalStateException("no frame for a page table to split a 2 MiB page");
    }
    // The allocation may have waited: read the entry only now.
    long pde = mm.tables.read(pdSlot);
    if (!PageTables.huge(pde)) {
      as.tables.remove(pt);
      mm.freeFrame(pt);
      return;
    }
    long head = PageTables.frame(pde);
    long flags = pde & (X86.PTE_P | X86.PTE_RW | X86.PTE_US | X86.PTE_A | X86.PTE_D | X86.PTE_NX);
    mm.reclaimer.forget(head);
    long hap = mm.frames.has(head, FrameTable.HAP) ? FrameTable.HAP : 0;
    mm.frames.unmap(head, as.pid, region >>> X86.PAGE_SHIFT);
    for (long i = 0; i < LARGE_FRAMES; i++) {
      mm.tables.write((pt << X86.PAGE_SHIFT) + 8 * i, ((head + i) << X86.PAGE_SHIFT) | flags);
      mm.frames.setFlags(head + i, FrameTable.ANON | hap);
      mm.frames.map(head + i, as.pid, (region >>> X86.PAGE_SHIFT) + i);
      mm.reclaimer.added(head + i);
    }
    mm.tables.write(pdSlot, (pt << X86.PAGE_SHIFT) | X86.PTE_P | X86.PTE_RW | X86.PTE_US);
    mm.ports.cpu().invalidateAddressSpace(as.cr3);
    mm.hugeSplits.add(1);
  }

  /** Splits the 2 MiB mapping covering {@code gva}, if there is one. */
  public void splitHugeAt(AddressSpace as, long gva) {
    long pdSlot = mm.tables.slot(as.cr3, gva, 2, false, null);
    if (pdSlot >= 0 && PageTables.huge(mm.tables.read(pdSlot))) {
      splitHuge(as, pdSlot, gva & ~(X86.LARGE_PAGE_SIZE - 1));
    }
  }
}
