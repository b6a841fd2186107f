package org.sego.guest.linuxlike.mm;

import java.util.BitSet;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.guest.IoPurpose;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.StatsSink;
import org.sego.support.ChunkedLongArray;

/**
 * Swap on a guest block device: one 4 KiB slot per block, a slot allocator with reference counts
 * (fork shares swap entries), and a swap cache of frames whose write is still in flight, so a fault
 * during the write takes the frame back instead of reading the slot.
 */
public final class SwapSpace {
  private final MemoryManager mm;
  private final String device;
  private final BlockQueue queue;
  private final long slots;
  private final BitSet used = new BitSet();
  /** Per slot (dense, nothing boxed): how many PTEs hold it. */
  private final ChunkedLongArray refs;
  /** Slot to frame + 1, while the frame's write to the slot is in flight (0: none). */
  private final ChunkedLongArray writing;
  /** Slots whose in-flight frame a fault took back: the write's completion must not free it. */
  private final BitSet takenBack = new BitSet();
  /** Slots released while their write was in flight: freed when it completes. */
  private final BitSet orphaned = new BitSet();
  private long cursor;
  private final StatsSink.Counter outs;
  private final StatsSink.Counter ins;
  private final StatsSink.Counter cacheHits;
  private final StatsSink.Counter full;
  private final StatsSink.Counter ioErrors;
  private final StatsSink.Counter restored;

  SwapSpace(MemoryManager mm, String device) {
    this.mm = mm;
    this.device = device;
    this.queue = mm.ports.blocks();
    if (!queue.devices().contains(device)) {
      throw new IllegalArgumentException("linuxlike: swap-device '" + device + "' is not a guest device; devices: "
          + String.join(", ", queue.devices()) + " (set swap-device = \"\" for no swap)");
    }
    if (queue.blockSize(device) != X86.PAGE_SIZE) {
      throw new IllegalArgumentException("linuxlike: swap device '" + device + "' has " + queue.blockSize(device)
          + "-byte blocks; swap needs 4 KiB blocks");
    }
    this.slots = queue.blockCount(device);
    this.refs = new ChunkedLongArray(slots);
    this.writing = new ChunkedLongArray(slots);
    StatsSink s = mm.ports.stats();
    outs = s.counter("system.guest.swap.outs", "pages", "pages written to swap");
    ins = s.counter("system.guest.swap.ins", "pages", "pages read back from swap");
    cacheHits = s.counter("system.guest.swap.cache-hits", "pages", "swap-ins served by a frame whose write was still in flight");
    full = s.counter("system.guest.swap.full", "events", "evictions skipped because every slot was taken");
    restored = s.counter("system.guest.swap.restored", "pages", "pages mapped back after their swap-out write failed");
    ioErrors = s.counter("system.guest.swap.io-errors", "requests", "swap requests that failed");
  }

  public String device() {
    return device;
  }

  public long slots() {
    return slots;
  }

  public long slotsInUse() {
    return used.cardinality();
  }

  private long allocSlot() {
    int s = used.nextClearBit((int) cursor);
    if (s >= slots) {
      s = used.nextClearBit(0);
      if (s >= slots) {
        return -1;
      }
    }
    used.set(s);
    refs.set(s, 1);
    cursor = s + 1;
    return s;
  }

  /**
   * Whether {@code slot} is one of the device's: a swap entry the kernel did not write (an attack
   * forges any) may name any number, and reading it must fail as a request, not crash the kernel.
   */
  private boolean ours(long slot) {
    return slot >= 0 && slot < slots;
  }

  /** A second PTE now holds {@code slot} (fork). */
  void duplicate(long slot) {
    if (!ours(slot)) {
      return;
    }
    refs.set(slot, refs.get(slot) + 1);
  }

  /** A PTE holding {@code slot} is gone. */
  void release(long slot) {
    if (!ours(slot)) {
      return;
    }
    long left = refs.get(slot) - 1;
    if (left > 0) {
      refs.set(slot, left);
      return;
    }
    refs.set(slot, 0);
    if (writing.get(slot) != 0) {
      orphaned.set((int) slot);
    } else {
      used.clear((int) slot);
    }
  }

  /**
   * Evicts frame {@code f}, mapped once at ({@code pid}, {@code vpn}): its PTE becomes a swap entry
   * now, the frame is written and freed when the write completes, then {@code onDone} runs.
   * Returns false (nothing changed) if no slot is free.
   */
  boolean swapOut(long f, int pid, long vpn, long ptSlot, Runnable onDone) {
    long slot = allocSlot();
    if (slot < 0) {
      full.add(1);
      return false;
    }
    AddressSpace as = mm.space(pid);
    boolean hap = mm.hap.hapSpace(as);
    boolean entry = false;
    if (hap && mm.hap.swap) {
      // A HAP's page: the hypervisor binds the slot to the page and lets the write of this frame through;
      // where it keeps the HAP's tables, the swap entry goes in the same exit when it takes batches.
      java.util.List<org.sego.api.hypercall.KernelHypercall> calls = mm.hap.pageTables && mm.hap.batch
          ? java.util.List.of(new KernelHypercalls.SwapOutPage(pid, vpn, f, device, slot, mm.hap.swapFolded),
              new KernelHypercalls.InstallPte(pid, vpn << X86.PAGE_SHIFT, PageTables.swapEntry(slot)))
          : java.util.List.of(new KernelHypercalls.SwapOutPage(pid, vpn, f, device, slot));
      int done = mm.hap.doneInOrder(calls);
      if (done == 0) {
        refs.set(slot, 0);
        used.clear((int) slot);
        return false;
      }
      if (calls.size() == 2) {
        entry = true;
        if (done == 1) {
          mm.tables.write(ptSlot, PageTables.swapEntry(slot)); // (refused only without a table: checked when the HAP next runs)
        }
      }
    }
    // A HAP's entry through the hypervisor (its tables are the hypervisor's to change), else directly.
    if (!entry && !mm.hap.installPte(as, vpn << X86.PAGE_SHIFT, ptSlot, PageTables.swapEntry(slot))) {
      mm.tables.write(ptSlot, PageTables.swapEntry(slot)); // (refused only without a table: checked when the HAP next runs)
    }
    mm.ports.cpu().invalidatePage(as.cr3, vpn << X86.PAGE_SHIFT);
    mm.frames.unmap(f, pid, vpn);
    mm.reclaimer.forget(f);
    writing.set(slot, f + 1);
    BlockQueue.Completion done = new WriteDone(f, pid, vpn, ptSlot, slot, onDone);
    // (The block queue runs the attack's block hooks on every request: a malicious kernel may drop it.)
    queue.submit(BlockRequest.write(device, slot, 1, f << X86.PAGE_SHIFT, new IoPurpose.Swap(pid, vpn)), done);
    outs.add(1);
    return true;
  }

  /** A swap-in's read: its status, and the process to wake (a class: one is made for every swap-in). */
  private final class ReadDone implements BlockQueue.Completion {
    private final int pid;
    int status = Integer.MIN_VALUE;

    ReadDone(int pid) {
      this.pid = pid;
    }

    @Override
    public void done(long id, int s, long t) {
      status = s;
      mm.ports.cpu().wake(pid);
    }
  }

  /** A swap-out write's completion (a class: one is made for every swap-out). */
  private final class WriteDone implements BlockQueue.Completion {
    private final long f;
    private final int pid;
    private final long vpn;
    private final long ptSlot;
    private final long slot;
    private final Runnable onDone;

    WriteDone(long f, int pid, long vpn, long ptSlot, long slot, Runnable onDone) {
      this.f = f;
      this.pid = pid;
      this.vpn = vpn;
      this.ptSlot = ptSlot;
      this.slot = slot;
      this.onDone = onDone;
    }

    @Override
    public void done(long id, int status, long t) {
      writing.set(slot, 0);
      boolean takenBackByFault = takenBack.get((int) slot);
      takenBack.clear((int) slot);
      if (status != BlockQueue.OK) {
        ioErrors.add(1);
        if (!takenBackByFault && restore(f, pid, vpn, ptSlot, slot)) {
          // The write failed: the page stays resident, mapped again, and its slot is given up.
          onDone.run();
          return;
        }
      } else {
        mm.ports.hooks().swappedOut(pid, vpn, slot);
      }
      if (!takenBackByFault) {
        if (status == BlockQueue.OK && mm.hap.swapFolded && mm.frames.has(f, FrameTable.HAP)) {
          mm.frames.clearFlag(f, FrameTable.HAP); // (swap-folded: the hypervisor gave the frame back when the write completed)
        }
        mm.freeFrame(f);
      }
      if (orphaned.get((int) slot)) {
        orphaned.clear((int) slot);
        used.clear((int) slot);
      }
      onDone.run();
    }
  }

  /**
   * After a failed swap-out write: if the page's entry still holds the slot, maps the frame back
   * (no entry may point at a slot whose write failed, nor at a freed frame) and releases the slot.
   */
  private boolean restore(long f, int pid, long vpn, long ptSlot, long slot) {
    AddressSpace as = mm.space(pid);
    long page = vpn << X86.PAGE_SHIFT;
    Vma vma = as == null ? null : as.find(page);
    if (vma == null || mm.slotOf(pid, vpn) != ptSlot || mm.tables.read(ptSlot) != PageTables.swapEntry(slot)) {
      return false;
    }
    if (!mm.mapNew(as, vma, ptSlot, page, f)) {
      return false; // nothing was written: the swap entry stays
    }
    mm.ports.cpu().invalidatePage(as.cr3, page);
    release(slot);
    if (orphaned.get((int) slot)) {
      orphaned.clear((int) slot);
      used.clear((int) slot);
    }
    restored.add(1);
    return true;
  }

  /** A fault on a swap entry: map the page back, reading the slot (and waiting) unless its write is in flight. */
  int swapIn(AddressSpace as, Vma vma, long ptSlot, long pte, long page) {
    long slot = PageTables.swapSlot(pte);
    long inFlight = ours(slot) ? writing.get(slot) - 1 : -1;
    if (inFlight >= 0 && !takenBack.get((int) slot)) {
      if (!mm.mapNew(as, vma, ptSlot, page, inFlight)) {
        return MemoryManager.SEGV;
      }
      takenBack.set((int) slot);
      release(slot);
      cacheHits.add(1);
      return MemoryManager.OK;
    }
    long f = mm.allocFrame(true);
    if (f < 0) {
      return MemoryManager.OOM;
    }
    int pid = as.pid;
    ReadDone status = new ReadDone(pid);
    // An honest kernel reads the slot it wrote; a malicious one may read another.
    long readSlot = mm.ports.hooks().swapIn(pid, page >>> X86.PAGE_SHIFT, slot);
    long entry = 0;
    if (mm.hap.hapSpace(as) && mm.hap.swap) {
      // The hypervisor checks the slot's binding and takes the frame for the HAP before the read lands;
      // swap-folded, it installs the page's entry too once the bytes are there.
      mm.frames.setFlags(f, FrameTable.HAP);
      entry = mm.hap.swapFolded ? mm.pteFor(f, vma, vma.writable()) : 0;
      if (!(mm.hap.call(new KernelHypercalls.SwapInPage(pid, page >>> X86.PAGE_SHIFT, f, device, readSlot, entry))
          instanceof HypercallResult.Ok)) {
        mm.freeFrame(f);
        return MemoryManager.SEGV;
      }
    }
    queue.submit(BlockRequest.read(device, readSlot, 1, f << X86.PAGE_SHIFT,
        new IoPurpose.Swap(pid, page >>> X86.PAGE_SHIFT)), status);
    while (status.status == Integer.MIN_VALUE) {
      mm.ports.cpu().block(CostCategory.IO_WAIT);
    }
    if (status.status != BlockQueue.OK) {
      ioErrors.add(1);
      mm.freeFrame(f);
      return MemoryManager.SEGV;
    }
    if (entry != 0) {
      // Swap-folded: the hypervisor installed the entry when the bytes arrived, or refused it (it
      // would refuse an install-pte of it the same way): then the fault fails.
      if ((mm.tables.read(ptSlot) & ~(X86.PTE_A | X86.PTE_D)) != entry) {
        mm.freeFrame(f);
        return MemoryManager.SEGV;
      }
      mm.mapped(as, vma, page, f);
    } else if (!mm.mapNew(as, vma, ptSlot, page, f)) {
      mm.freeFrame(f); // nothing was written: still swapped out, the slot keeps the page
      return MemoryManager.SEGV;
    }
    release(slot);
    ins.add(1);
    return MemoryManager.OK;
  }
}
