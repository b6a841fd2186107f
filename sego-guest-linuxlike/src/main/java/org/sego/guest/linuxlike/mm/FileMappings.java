package org.sego.guest.linuxlike.mm;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.hw.X86;
import org.sego.api.posix.Errno;

/**
 * File mappings: faults that map page-cache frames (shared) or read-only / private copies of them,
 * and the harvesting of dirty bits that tells the page cache what was written through a mapping.
 */
final class FileMappings {
  private final MemoryManager mm;

  FileMappings(MemoryManager mm) {
    this.mm = mm;
  }

  /** A fault in a file mapping: map the cache frame (shared), or map it read-only / copy it (private). */
  int fileFault(AddressSpace as, Vma vma, long slot, long page, boolean write) {
    long pte = mm.tables.read(slot);
    if (PageTables.present(pte) && write && !vma.shared) {
      return mm.copyOnWrite(as, vma, slot, pte, page);
    }
    if (PageTables.present(pte)) {
      mm.ports.cpu().invalidatePage(as.cr3, page);
      return MemoryManager.OK;
    }
    boolean secure = mm.filePages != null && mm.hap.hapSpace(as) && mm.hap.offers(org.sego.api.hypercall.Capabilities.SECURE_FILES);
    if (secure) {
      // Before the page is read: a secure file's blocks come in only by the read-in hypercall.
      mm.filePages.markSecure(vma.fileIno);
    }
    long frame = mm.filePages == null ? -Errno.ENODEV : mm.filePages.frame(vma.fileIno, vma.fileOffsetOf(page), write && vma.shared);
    if (frame < 0) {
      return MemoryManager.SEGV;
    }
    if (!vma.shared && write) {
      long f = mm.allocFrame(true);
      if (f < 0) {
        return MemoryManager.OOM;
      }
      mm.memory.copyFrame(frame, f);
      if (!mm.mapNew(as, vma, slot, page, f)) {
        mm.freeFrame(f);
        return MemoryManager.SEGV;
      }
      return MemoryManager.OK;
    }
    if (!mm.hap.installPte(as, page, slot, mm.pteFor(frame, vma, vma.shared && vma.writable()))) {
      return MemoryManager.SEGV; // refused: nothing mapped
    }
    mm.frames.addFlag(frame, FrameTable.FILE);
    if (mm.hap.hapSpace(as)) {
      // A HAP's secure file: its frames are released before reuse, its pages moved by hypercall.
      mm.frames.addFlag(frame, FrameTable.HAP);
    }
    mm.frames.map(frame, as.pid, page >>> X86.PAGE_SHIFT);
    return MemoryManager.OK;
  }

  /**
   * Harvests the dirty bits of shared mappings of file {@code ino} (all files for -1) in {@code
   * [start, end)} of {@code as} (every space for null): the page-cache frame of each page written
   * through a mapping is reported to {@code dirty}, and the page's dirty bit cleared.
   */
  public void harvestDirty(AddressSpace only, long ino, long start, long end, java.util.function.LongConsumer dirty) {
    for (AddressSpace as : only == null ? new ArrayList<>(mm.spaces.values()) : List.of(only)) {
      for (Vma v : as.overlapping(start, end)) {
        if (!v.shared || v.fileIno == 0 || (ino >= 0 && v.fileIno != ino)) {
          continue;
        }
        for (long page = Math.max(start, v.start); page < Math.min(end, v.end); page += X86.PAGE_SIZE) {
          long slot = mm.tables.slot(as.cr3, page, 1, false, null);
          if (slot < 0) {
            page = (page & ~(X86.LARGE_PAGE_SIZE - 1)) + X86.LARGE_PAGE_SIZE - X86.PAGE_SIZE;
            continue;
          }
          long pte = mm.tables.read(slot);
          if (PageTables.present(pte) && (pte & X86.PTE_D) != 0) {
            mm.tables.write(slot, pte & ~X86.PTE_D);
            mm.ports.cpu().invalidatePage(as.cr3, page);
            dirty.accept(PageTables.frame(pte));
          }
        }
      }
    }
  }
}
