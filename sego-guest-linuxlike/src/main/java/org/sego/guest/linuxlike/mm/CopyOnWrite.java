package org.sego.guest.linuxlike.mm;

import org.sego.api.guest.KernelUserWrite;
import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;

/**
 * A write fault on a read-only private page: the last mapping is made writable in place; otherwise
 * the page is copied into a fresh frame, by the kernel or, for a HAP's page (or any, when the
 * strategy says fork copies go by hypercall), by the hypervisor ({@code copy-page}).
 */
final class CopyOnWrite {
  private final MemoryManager mm;
  private final StatsSink.Counter copies;
  private final StatsSink.Counter reuses;
  private final StatsSink.Counter denied;

  CopyOnWrite(MemoryManager mm) {
    this.mm = mm;
    StatsSink s = mm.ports.stats();
    copies = s.counter("system.guest.mm.cow-copies", "pages", "copy-on-write faults that copied the page");
    reuses = s.counter("system.guest.mm.cow-reuses", "pages", "copy-on-write faults on the last mapping, made writable in place");
    denied = s.counter("system.guest.mm.cow-denied", "faults", "copy-on-write copies neither the kernel nor the hypervisor could make");
  }

  int fault(AddressSpace as, Vma vma, long slot, long pte, long page) {
    long old = PageTables.frame(pte);
    long vpn = page >>> X86.PAGE_SHIFT;
    if (mm.frames.mapcount(old) == 1 && !mm.frames.has(old, FrameTable.KSM | FrameTable.FILE)) {
      if (!mm.hap.installPte(as, page, slot, pte | X86.PTE_RW)) {
        return MemoryManager.SEGV;
      }
      mm.ports.cpu().invalidatePage(as.cr3, page);
      reuses.add(1);
      return MemoryManager.OK;
    }
    long f = mm.allocFrame(true);
    if (f < 0) {
      return MemoryManager.OOM;
    }
    if (mm.tables.read(slot) != pte) {
      // The allocation waited, and meanwhile sharing, compaction or reclaim changed the entry: retry.
      mm.freeFrame(f);
      return MemoryManager.OK;
    }
    // A HAP's page is copied by the hypervisor and never read by the kernel; another page whose copy
    // the OS view refuses goes to the hypervisor too, when it offers copies.
    HapServices hap = mm.hap;
    boolean byHypervisor = (hap.hapSpace(as) && hap.offers(Capabilities.COPY))
        || hap.capabilities().userWrite(KernelUserWrite.FORK_COPY_ON_WRITE) == KernelUserWrite.Handling.HYPERCALL;
    boolean copied = !byHypervisor && mm.memory.copyFrame(old, f) == OsView.OK;
    if (!copied && (byHypervisor || hap.offers(Capabilities.COPY))) {
      copied = hap.done(new KernelHypercalls.CopyPage(as.pid, vpn, old, f));
    }
    if (!copied) {
      denied.add(1);
      mm.freeFrame(f);
      return MemoryManager.SEGV;
    }
    // The entry is cleared before the old frame may be freed (and released): nothing maps it then.
    mm.tables.write(slot, 0);
    if (mm.frames.unmap(old, as.pid, vpn) == 0 && !mm.frames.has(old, FrameTable.FILE)) {
      mm.freeFrame(old);
    }
    boolean mapped = mm.mapNew(as, vma, slot, page, f);
    mm.ports.cpu().invalidatePage(as.cr3, page);
    if (!mapped) {
      mm.freeFrame(f);
      return MemoryManager.SEGV;
    }
    copies.add(1);
    return MemoryManager.OK;
  }
}
