package org.sego.guest.linuxlike.mm;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.guest.OsView;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.StatsSink;

/**
 * Compaction and collapse. Each period it looks for a 2 MiB-aligned range of a process's area that
 * is fully mapped by 4 KiB pages; it builds a free 2 MiB block by migrating the movable pages out of
 * the most nearly free aligned physical range, then collapses the area's range into one 2 MiB page.
 * Oblivious mode copies every page; aware mode asks the hypervisor to move pages the kernel cannot
 * read, and a refused request is skipped and counted.
 */
public final class Compaction {
  private static final long FRAMES = 512;
  /** Kernel work to examine one frame when choosing a range (ns). */

  private final MemoryManager mm;
  private final boolean aware;
  private final StatsSink.Counter runs;
  private final StatsSink.Counter migrated;
  private final StatsSink.Counter ranges;
  private final StatsSink.Counter collapses;
  private final StatsSink.Counter refused;
  private final StatsSink.Counter unreadable;

  Compaction(MemoryManager mm, boolean aware) {
    this.mm = mm;
    this.aware = aware;
    StatsSink s = mm.ports.stats();
    runs = s.counter("system.guest.compaction.runs", "runs", "compaction daemon periods");
    migrated = s.counter("system.guest.compaction.migrated", "pages", "pages moved to another frame");
    ranges = s.counter("system.guest.compaction.ranges-built", "ranges", "free 2 MiB blocks built by migration");
    collapses = s.counter("system.guest.compaction.collapses", "ranges", "2 MiB ranges of an area collapsed into one 2 MiB page");
    refused = s.counter("system.guest.compaction.refused", "pages", "pages the kernel could not read and the strategy would not move (skipped)");
    unreadable = s.counter("system.guest.compaction.unreadable", "pages", "pages the OS view denied to compaction");
  }

  /** One period: collapses at most one area range, building a 2 MiB block first if needed. */
  public void run() {
    runs.add(1);
    long[] target = collapseCandidate();
    if (target == null) {
      return;
    }
    if (!mm.buddy.canAllocate(BuddyAllocator.MAX_ORDER) && !buildFreeRange()) {
      return;
    }
    collapse(mm.space((int) target[0]), target[1]);
  }

  /** (pid, region) of an aligned 2 MiB range fully mapped by private 4 KiB pages, or null. */
  private long[] collapseCandidate() {
    if (!mm.settings.thp()) {
      return null;
    }
    for (AddressSpace as : mm.spaces.values()) {
      for (Vma v : as.areas()) {
        if (v.shared) {
          continue;
        }
        long first = (v.start + X86.LARGE_PAGE_SIZE - 1) & ~(X86.LARGE_PAGE_SIZE - 1);
        for (long region = first; region + X86.LARGE_PAGE_SIZE <= v.end; region += X86.LARGE_PAGE_SIZE) {
          if (collapsible(as, region)) {
            return new long[] {as.pid, region};
          }
        }
      }
    }
    return null;
  }

  private boolean collapsible(AddressSpace as, long region) {
    long pde = mm.tables.pdEntry(as.cr3, region);
    if (!PageTables.present(pde) || PageTables.huge(pde)) {
      return false;
    }
    long pt = pde & X86.PTE_ADDR;
    for (int i = 0; i < FRAMES; i++) {
      long pte = mm.tables.read(pt + 8L * i);
      if (!PageTables.present(pte) || !movable(PageTables.frame(pte))) {
        return false;
      }
    }
    return true;
  }

  private boolean movable(long f) {
    return mm.frames.has(f, FrameTable.ANON) && mm.frames.mapcount(f) == 1
        && !mm.frames.has(f, FrameTable.HUGE | FrameTable.KSM | FrameTable.SHARED | FrameTable.PAGETABLE);
  }

  /** Migrates the used frames out of the most nearly free aligned 2 MiB range; true if it is now free. */
  private boolean buildFreeRange() {
    long best = -1;
    long bestFree = -1;
    long first = (mm.buddy.first() + FRAMES - 1) & ~(FRAMES - 1);
    for (long r = first; r + FRAMES <= mm.buddy.end(); r += FRAMES) {
      long free = 0;
      boolean ok = true;
      for (long f = r; f < r + FRAMES && ok; f++) {
        if (mm.buddy.isFree(f)) {
          free++;
        } else if (!movable(f)) {
          ok = false;
        }
      }
      if (ok && free > bestFree) {
        best = r;
        bestFree = free;
      }
    }
    mm.ports.cpu().charge(CostCategory.COMPUTE, mm.costs.compactionScan() * (mm.buddy.end() - first));
    if (best < 0 || mm.buddy.freeFrames() - bestFree < FRAMES - bestFree) {
      return false;
    }
    List<Long> taken = new ArrayList<>();
    for (long f = best; f < best + FRAMES; f++) {
      if (mm.buddy.take(f)) {
        taken.add(f);
      }
    }
    List<Long> moved = new ArrayList<>();
    for (long f = best; f < best + FRAMES; f++) {
      if (taken.contains(f)) {
        continue;
      }
      long dst = mm.buddy.allocate(0);
      if (dst < 0 || !migrate(f, dst)) {
        if (dst >= 0) {
          mm.buddy.free(dst, 0);
        }
        for (long t : taken) {
          mm.buddy.free(t, 0);
        }
        for (long m : moved) {
          mm.buddy.free(m, 0);
        }
        return false;
      }
      moved.add(f);
    }
    for (long f = best; f < best + FRAMES; f++) {
      mm.frames.clear(f);
    }
    mm.buddy.free(best, BuddyAllocator.MAX_ORDER);
    ranges.add(1);
    return true;
  }

  /** Moves frame {@code f}'s content and its single mapping to {@code dst}. */
  private boolean migrate(long f, long dst) {
    long owner = mm.frames.firstOwner(f);
    int pid = FrameTable.ownerPid(owner);
    long vpn = FrameTable.ownerVpn(owner);
    long slot = mm.slotOf(pid, vpn);
    long pte = slot < 0 ? 0 : mm.tables.read(slot);
    if (!PageTables.present(pte) || PageTables.frame(pte) != f) {
      return false;
    }
    boolean hap = mm.hap.hapPid(pid);
    if (!copy(f, dst, hap)) {
      return false;
    }
    if (!mm.hap.installPte(mm.space(pid), vpn << X86.PAGE_SHIFT, slot, (dst << X86.PAGE_SHIFT) | (pte & ~X86.PTE_ADDR))) {
      if (moved) {
        moveBack(f, dst);
      }
      return false;
    }
    mm.ports.cpu().invalidatePage(mm.space(pid).cr3, vpn << X86.PAGE_SHIFT);
    mm.frames.setFlags(dst, mm.frames.flags(f) | (hap ? FrameTable.HAP : 0));
    mm.frames.moveOwners(f, dst);
    mm.reclaimer.forget(f);
    mm.reclaimer.added(dst);
    migrated.add(1);
    return true;
  }

  /**
   * Moves {@code src}'s bytes to {@code dst}: a HAP's page by the hypervisor (aware mode, when it
   * offers compaction; it scrubs {@code src}), any other by the kernel's copy.
   */
  /** Whether the last {@link #copy} was the hypervisor's move (the source is scrubbed, not intact). */
  private boolean moved;

  /** Undoes a move whose new mapping was refused: the contents go back to {@code src}. */
  private void moveBack(long src, long dst) {
    mm.hap.call(new KernelHypercalls.MovePage(dst, src));
    mm.frames.addFlag(src, FrameTable.HAP);
  }

  private boolean copy(long src, long dst, boolean hap) {
    moved = false;
    if (hap && aware && mm.hap.offers(Capabilities.COMPACT)) {
      if (mm.hap.call(new KernelHypercalls.MovePage(src, dst)) instanceof HypercallResult.Ok) {
        mm.frames.clearFlag(src, FrameTable.HAP); // the hypervisor gave it back, scrubbed
        moved = true;
        return true;
      }
      refused.add(1);
      return false;
    }
    if (mm.memory.copyFrame(src, dst) == OsView.OK) {
      return true;
    }
    unreadable.add(1);
    if (aware && mm.hap.offers(Capabilities.COMPACT)
        && mm.hap.call(new KernelHypercalls.MovePage(src, dst)) instanceof HypercallResult.Ok) {
      mm.frames.clearFlag(src, FrameTable.HAP);
      moved = true;
      return true;
    }
    refused.add(1);
    return false;
  }

  /** A collapse that cannot finish: what the hypervisor moved goes back, the 2 MiB block is freed. */
  private void undoCollapse(long[] old, long head, boolean[] movedAt, int upTo) {
    for (int k = 0; k < upTo; k++) {
      if (movedAt[k]) {
        moveBack(old[k], head + k);
      }
    }
    mm.buddy.free(head, BuddyAllocator.MAX_ORDER);
  }

  /** Replaces the 512 4 KiB mappings of {@code region} by one 2 MiB page. */
  private void collapse(AddressSpace as, long region) {
    long head = mm.buddy.allocate(BuddyAllocator.MAX_ORDER);
    if (head < 0) {
      return;
    }
    long pdSlot = mm.tables.slot(as.cr3, region, 2, false, null);
    long pt = mm.tables.read(pdSlot) & X86.PTE_ADDR;
    long[] old = new long[(int) FRAMES];
    boolean writable = true;
    boolean hap = mm.hap.hapSpace(as);
    boolean[] movedAt = new boolean[(int) FRAMES];
    for (int i = 0; i < FRAMES; i++) {
      long pte = mm.tables.read(pt + 8L * i);
      old[i] = PageTables.frame(pte);
      writable &= (pte & X86.PTE_RW) != 0;
      boolean ok = copy(old[i], head + i, hap);
      movedAt[i] = ok && moved;
      if (!ok) {
        undoCollapse(old, head, movedAt, i + 1);
        return;
      }
    }
    Vma vma = as.find(region);
    if (!mm.hap.installPte(as, region, pdSlot, mm.pteFor(head, vma, writable && vma.writable()) | X86.PTE_PS)) {
      undoCollapse(old, head, movedAt, (int) FRAMES);
      return;
    }
    mm.ports.cpu().invalidateAddressSpace(as.cr3);
    for (int i = 0; i < FRAMES; i++) {
      mm.frames.unmap(old[i], as.pid, (region >>> X86.PAGE_SHIFT) + i);
      mm.freeFrame(old[i]);
    }
    long ptFrame = pt >>> X86.PAGE_SHIFT;
    as.tables.remove(ptFrame);
    mm.freeFrame(ptFrame);
    mm.frames.setFlags(head, FrameTable.ANON | FrameTable.HUGE | (hap ? FrameTable.HAP : 0));
    mm.frames.map(head, as.pid, region >>> X86.PAGE_SHIFT);
    mm.reclaimer.added(head);
    collapses.add(1);
  }
}
