package org.sego.guest.linuxlike.mm;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;

/** fork's copy of an address space: the same areas, private pages shared copy-on-write, swap entries shared. */
final class ForkCopy {
  private ForkCopy() {}

  /** The child's copy of {@code parent}: same areas, private pages shared copy-on-write. */
  static AddressSpace copy(MemoryManager mm, AddressSpace parent, int childPid) {
    AddressSpace child = mm.create(childPid);
    if (child == null) {
      return null;
    }
    for (Vma v : parent.areas()) {
      child.insert(v.copy());
    }
    child.brk = parent.brk;
    child.hap = parent.hap == 1 ? 1 : -1; // a HAP's child is a HAP (it registers as it starts)
    // 2 MiB pages are split first, so copy-on-write works on 4 KiB pages.
    List<Long> hugeRegions = new ArrayList<>();
    mm.tables.forEach(parent.cr3, (gva, slot, e, huge) -> {
      if (huge) {
        hugeRegions.add(gva);
      }
    });
    for (long region : hugeRegions) {
      mm.splitHugeAt(parent, region);
    }
    long[] copied = {0};
    List<long[]> leaves = new ArrayList<>();
    mm.tables.forEach(parent.cr3, (gva, slot, e, huge) -> leaves.add(new long[] {gva, slot, e}));
    for (long[] leaf : leaves) {
      long gva = leaf[0];
      long e = leaf[2];
      long childSlot = mm.tables.slot(child.cr3, gva, 1, true, mm.tableAllocator(child));
      if (childSlot < 0) {
        mm.destroy(child);
        return null;
      }
      if (PageTables.mapsFrame(e)) {
        long f = PageTables.frame(e);
        if (!mm.frames.has(f, FrameTable.SHARED) && (e & X86.PTE_RW) != 0) {
          e &= ~X86.PTE_RW;
          if (!mm.hap.installPte(parent, gva, leaf[1], e)) {
            mm.destroy(child); // the parent's page could not be write-protected: no copy-on-write, no fork
            return null;
          }
        }
        mm.frames.map(f, childPid, gva >>> X86.PAGE_SHIFT);
        mm.tables.write(childSlot, e); // the child's new tables: not the hypervisor's until it registers
      } else if (PageTables.isSwap(e)) {
        if (mm.swap != null) {
          mm.swap.duplicate(PageTables.swapSlot(e));
        }
        mm.tables.write(childSlot, e);
      }
      copied[0]++;
    }
    mm.ports.cpu().invalidateAddressSpace(parent.cr3);
    mm.ports.cpu().charge(CostCategory.COMPUTE, copied[0] * mm.costs.forkPte());
    return child;
  }
}
