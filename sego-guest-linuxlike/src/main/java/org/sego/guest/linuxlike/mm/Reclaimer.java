package org.sego.guest.linuxlike.mm;

import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.StatsSink;
import org.sego.support.DenseLinkedSet;

/**
 * Page reclaim: a two-list LRU (new pages enter the inactive list; a referenced inactive page is
 * promoted, the active list ages into the inactive one clearing accessed bits), kswapd (a daemon
 * event woken below the low watermark that evicts to the high one, asynchronously), and direct
 * reclaim (a process that finds no free frame evicts and waits for the writes).
 */
public final class Reclaimer {
  /** Kernel work to look at one page on an LRU list (ns). */
  private static final int DIRECT_BATCH = 32;

  private final MemoryManager mm;
  /** The LRU lists, oldest first, as intrusive lists over frame numbers (nothing boxed). */
  private final DenseLinkedSet active;
  private final DenseLinkedSet inactive;
  private boolean kswapdScheduled;
  private boolean reclaiming;
  private final StatsSink.Counter kswapdRuns;
  private final StatsSink.Counter scanned;
  private final StatsSink.Counter promoted;
  private final StatsSink.Counter direct;

  Reclaimer(MemoryManager mm) {
    this.mm = mm;
    active = new DenseLinkedSet(mm.frames.length());
    inactive = new DenseLinkedSet(mm.frames.length());
    StatsSink s = mm.ports.stats();
    kswapdRuns = s.counter("system.guest.reclaim.kswapd-runs", "runs", "times kswapd ran");
    scanned = s.counter("system.guest.reclaim.scanned", "pages", "LRU pages examined for eviction");
    promoted = s.counter("system.guest.reclaim.promoted", "pages", "inactive pages found referenced and promoted");
    direct = s.counter("system.guest.reclaim.direct", "runs", "allocations that reclaimed directly and waited");
  }

  public int activeSize() {
    return active.size();
  }

  public int inactiveSize() {
    return inactive.size();
  }

  void added(long f) {
    inactive.add(f);
  }

  void forget(long f) {
    if (!active.remove(f)) {
      inactive.remove(f);
    }
  }

  /** Wakes kswapd: it runs at the next scheduling point. */
  void wakeKswapd() {
    if (kswapdScheduled) {
      return;
    }
    kswapdScheduled = true;
    mm.ports.events().schedule(mm.ports.clock().nowNanos(), "system.guest.kswapd", t -> kswapd());
  }

  private void kswapd() {
    kswapdScheduled = false;
    kswapdRuns.add(1);
    long deficit = mm.settings.highWatermark() - mm.buddy.freeFrames();
    if (deficit > 0) {
      mm.shrinkCaches((int) deficit);
    }
    long pending = 0;
    while (mm.buddy.freeFrames() + pending < mm.settings.highWatermark()) {
      long f = mm.swap == null ? -1 : victim();
      if (f < 0 || !evict(f, () -> {})) {
        break;
      }
      pending++;
    }
    if (mm.buddy.freeFrames() + pending < mm.settings.lowWatermark() && pending > 0) {
      kswapdScheduled = true;
      mm.ports.events().schedule(mm.ports.clock().nowNanos() + mm.settings.kswapdIntervalNanos(), "system.guest.kswapd",
          t -> kswapd());
    }
  }

  /** In process context: evicts a batch and waits until the writes complete and their frames are free. */
  void directReclaim() {
    if (mm.swap == null || mm.ports.cpu().currentPid() < 0 || reclaiming) {
      return;
    }
    reclaiming = true;
    try {
      reclaimBatch();
    } finally {
      reclaiming = false;
    }
  }

  private void reclaimBatch() {
    direct.add(1);
    int pid = mm.ports.cpu().currentPid();
    int[] outstanding = {0};
    for (int i = 0; i < DIRECT_BATCH; i++) {
      long f = victim();
      if (f < 0) {
        break;
      }
      if (evict(f, () -> {
        if (--outstanding[0] == 0) {
          mm.ports.cpu().wake(pid);
        }
      })) {
        outstanding[0]++;
      }
    }
    while (outstanding[0] > 0) {
      mm.ports.cpu().block(CostCategory.IO_WAIT);
    }
  }

  /** The next page to evict, or -1: second chance on the inactive list, refilled from the active one. */
  long victim() {
    int budget = 2 * (active.size() + inactive.size()) + 16;
    while (budget-- > 0) {
      if (inactive.isEmpty() || inactive.size() < active.size() / 2) {
        ageActive(Math.max(16, active.size() / 8));
      }
      if (inactive.isEmpty()) {
        return -1;
      }
      long f = inactive.pollFirst();
      scanned.add(1);
      mm.ports.cpu().charge(CostCategory.COMPUTE, mm.costs.reclaimScan());
      mm.ports.hooks().reclaim(f);
      if (mm.frames.has(f, FrameTable.HUGE) && mm.buddy.freeFrames() == 0) {
        // Splitting needs a frame for the new page table.
        active.add(f);
        continue;
      }
      if (mm.frames.has(f, FrameTable.HUGE)) {
        // A 2 MiB page is split, and its 4 KiB pages enter the inactive list.
        long owner = mm.frames.firstOwner(f);
        AddressSpace as = mm.space(FrameTable.ownerPid(owner));
        mm.splitHugeAt(as, FrameTable.ownerVpn(owner) << X86.PAGE_SHIFT);
        continue;
      }
      if (testAndClearAccessed(f)) {
        active.add(f);
        promoted.add(1);
        continue;
      }
      if (mm.frames.mapcount(f) != 1 || mm.frames.has(f, FrameTable.KSM | FrameTable.SHARED)) {
        active.add(f);
        continue;
      }
      return f;
    }
    return -1;
  }

  private void ageActive(int count) {
    while (count-- > 0 && !active.isEmpty()) {
      long f = active.pollFirst();
      testAndClearAccessed(f);
      inactive.add(f);
    }
  }

  /** Whether any PTE mapping {@code f} has its accessed bit; clears them (with invlpg). */
  private boolean testAndClearAccessed(long f) {
    boolean referenced = false;
    for (int i = 0, n = mm.frames.ownerCount(f); i < n; i++) {
      long owner = mm.frames.owner(f, i);
      int pid = FrameTable.ownerPid(owner);
      long vpn = FrameTable.ownerVpn(owner);
      long slot = mm.slotOf(pid, vpn);
      if (slot < 0) {
        continue;
      }
      long pte = mm.tables.read(slot);
      if ((pte & X86.PTE_A) != 0) {
        mm.tables.write(slot, pte & ~X86.PTE_A);
        mm.ports.cpu().invalidatePage(mm.space(pid).cr3, vpn << X86.PAGE_SHIFT);
        referenced = true;
      }
    }
    return referenced;
  }

  private boolean evict(long f, Runnable onDone) {
    long owner = mm.frames.firstOwner(f);
    int pid = FrameTable.ownerPid(owner);
    long vpn = FrameTable.ownerVpn(owner);
    long slot = mm.slotOf(pid, vpn);
    if (slot < 0 || !PageTables.present(mm.tables.read(slot)) || PageTables.frame(mm.tables.read(slot)) != f) {
      active.add(f);
      return false;
    }
    if (!mm.swap.swapOut(f, pid, vpn, slot, onDone)) {
      active.add(f);
      return false;
    }
    return true;
  }
}
