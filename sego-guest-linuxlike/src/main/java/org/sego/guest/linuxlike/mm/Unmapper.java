package org.sego.guest.linuxlike.mm;

import org.sego.api.hw.X86;

/**
 * Taking pages out of an address space (munmap, brk, exit) and rewriting entries for a new
 * protection (mprotect); 2 MiB pages are split first when the range covers only part of one.
 */
final class Unmapper {
  private final MemoryManager mm;

  Unmapper(MemoryManager mm) {
    this.mm = mm;
  }

  void unmapPages(AddressSpace as, long start, long end) {
    long page = start;
    while (page < end) {
      long region = page & ~(X86.LARGE_PAGE_SIZE - 1);
      long regionEnd = region + X86.LARGE_PAGE_SIZE;
      long pdSlot = mm.tables.slot(as.cr3, page, 2, false, null);
      long pde = pdSlot < 0 ? 0 : mm.tables.read(pdSlot);
      if (!PageTables.present(pde)) {
        page = pdSlot < 0 ? mm.tables.nextMapped(as.cr3, page) : regionEnd;
        continue;
      }
      if (PageTables.huge(pde)) {
        if (page == region && end >= regionEnd) {
          long head = PageTables.frame(pde);
          mm.tables.write(pdSlot, 0);
          if (mm.frames.unmap(head, as.pid, region >>> X86.PAGE_SHIFT) == 0) {
            mm.freeFrame(head);
          }
          mm.ports.cpu().invalidateAddressSpace(as.cr3);
          page = regionEnd;
          continue;
        }
        mm.splitHuge(as, pdSlot, region);
      }
      long stop = Math.min(end, regionEnd);
      for (; page < stop; page += X86.PAGE_SIZE) {
        long slot = mm.tables.slot(as.cr3, page, 1, false, null);
        long pte = mm.tables.read(slot);
        if (PageTables.mapsFrame(pte)) {
          long f = PageTables.frame(pte);
          mm.tables.write(slot, 0);
          mm.ports.cpu().invalidatePage(as.cr3, page);
          boolean file = mm.frames.has(f, FrameTable.FILE);
          if (mm.frames.unmap(f, as.pid, page >>> X86.PAGE_SHIFT) == 0) {
            if (file) {
              mm.frames.clearFlag(f, FrameTable.FILE);
            } else {
              mm.freeFrame(f);
            }
          }
        } else if (PageTables.isSwap(pte)) {
          mm.tables.write(slot, 0);
          if (mm.swap != null) { // (an entry forged without swap holds nothing)
            mm.swap.release(PageTables.swapSlot(pte));
          }
        }
      }
    }
  }

  /** Rewrites the entries of {@code [start, end)} for protection {@code vma.prot} (mprotect). */
  void reprotect(AddressSpace as, Vma vma, long start, long end) {
    for (long page = start; page < end; page += X86.PAGE_SIZE) {
      mm.splitHugeAt(as, page);
      long slot = mm.tables.slot(as.cr3, page, 1, false, null);
      if (slot < 0) {
        page = (page & ~(X86.LARGE_PAGE_SIZE - 1)) + X86.LARGE_PAGE_SIZE - X86.PAGE_SIZE;
        continue;
      }
      long pte = mm.tables.read(slot);
      if (!PageTables.mapsFrame(pte)) {
        continue;
      }
      long f = PageTables.frame(pte);
      long e;
      if (vma.prot == 0) {
        e = (f << X86.PAGE_SHIFT) | PageTables.PROTNONE;
      } else {
        // A page still shared copy-on-write stays read-only; the write fault copies it.
        boolean writable = vma.writable() && (vma.shared || (mm.frames.mapcount(f) == 1 && !mm.frames.has(f, FrameTable.KSM)));
        e = mm.pteFor(f, vma, writable) | (pte & (X86.PTE_A | X86.PTE_D));
      }
      mm.tables.write(slot, e);
      mm.ports.cpu().invalidatePage(as.cr3, page);
    }
  }
}
