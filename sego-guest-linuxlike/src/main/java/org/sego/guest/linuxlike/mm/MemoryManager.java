package org.sego.guest.linuxlike.mm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.sego.api.guest.KernelPorts;
import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Errno;
import org.sego.api.sim.StatsSink;

/**
 * The kernel's memory manager: frame allocation with reclaim, address spaces, demand paging,
 * copy-on-write, 2 MiB pages, unmapping, fork's copy of an address space, and copies to and from
 * user memory. Every page-table entry it reads or writes is 8 bytes in a guest frame, reached through
 * the OS view.
 */
public final class MemoryManager {
  public static final int OK = 0;
  public static final int SEGV = -Errno.EFAULT;
  public static final int OOM = -Errno.ENOMEM;
  private static final long LARGE_FRAMES = 512;
  /** Kernel work per page-table entry fork copies (ns). */
  private static final long FORK_PTE_NANOS = 20;

  final KernelPorts ports;
  final OsView memory;
  final PageTables tables;
  final BuddyAllocator buddy;
  final FrameTable frames;
  final MemorySettings settings;
  final Map<Integer, AddressSpace> spaces = new TreeMap<>();
  /** Caches that give frames back under memory pressure (the page cache): asked before anonymous pages are swapped. */
  private final List<java.util.function.IntUnaryOperator> shrinkers = new ArrayList<>();
  final Reclaimer reclaimer;
  final SwapSpace swap;
  final PageSharing sharing;
  final Compaction compaction;
  private final StatsSink.Counter zeroFaults;
  private final StatsSink.Counter cowCopies;
  private final StatsSink.Counter cowReuses;
  private final StatsSink.Counter hugeFaults;
  private final StatsSink.Counter hugeSplits;
  private final StatsSink.Counter oom;
  final StatsSink.Counter hugeUnavailable;

  public MemoryManager(KernelPorts ports, MemorySettings settings, long firstFrame) {
    this.ports = ports;
    this.memory = ports.memory();
    this.tables = new PageTables(memory);
    this.settings = settings;
    this.buddy = new BuddyAllocator(firstFrame, settings.limitFrames());
    this.frames = new FrameTable(settings.limitFrames());
    StatsSink s = ports.stats();
    zeroFaults = s.counter("system.guest.mm.zero-fill-faults", "faults", "faults served with a fresh zeroed page");
    cowCopies = s.counter("system.guest.mm.cow-copies", "pages", "copy-on-write faults that copied the page");
    cowReuses = s.counter("system.guest.mm.cow-reuses", "pages", "copy-on-write faults on the last mapping, made writable in place");
    hugeFaults = s.counter("system.guest.mm.huge-faults", "pages", "faults served with a 2 MiB page");
    hugeSplits = s.counter("system.guest.mm.huge-splits", "pages", "2 MiB mappings split into 4 KiB ones");
    hugeUnavailable = s.counter("system.guest.mm.huge-unavailable", "faults", "faults eligible for a 2 MiB page when no 2 MiB block was free");
    oom = s.counter("system.guest.mm.out-of-memory", "events", "allocations that failed even after reclaim");
    this.swap = settings.swapDevice().isEmpty() ? null : new SwapSpace(this, settings.swapDevice());
    this.reclaimer = new Reclaimer(this);
    this.sharing = settings.sharing().equals("off") ? null : new PageSharing(this, settings.sharing().equals("aware"));
    this.compaction = settings.compaction().equals("off") ? null
        : new Compaction(this, settings.compaction().equals("aware"));
  }

  public MemorySettings settings() {
    return settings;
  }

  /** The page-sharing scanner, or null when sharing is off. */
  public PageSharing sharing() {
    return sharing;
  }

  /** The compaction daemon, or null when compaction is off. */
  public Compaction compaction() {
    return compaction;
  }

  /** Registers a cache that frees up to n frames when asked, returning how many it freed. */
  public void addShrinker(java.util.function.IntUnaryOperator shrinker) {
    shrinkers.add(shrinker);
  }

  /** Asks the caches for {@code wanted} frames; returns how many they freed. */
  int shrinkCaches(int wanted) {
    int freed = 0;
    for (var s : shrinkers) {
      if (freed >= wanted) {
        break;
      }
      freed += s.applyAsInt(wanted - freed);
    }
    return freed;
  }

  public BuddyAllocator buddy() {
    return buddy;
  }

  public FrameTable frames() {
    return frames;
  }

  public PageTables tables() {
    return tables;
  }

  public Reclaimer reclaimer() {
    return reclaimer;
  }

  public SwapSpace swap() {
    return swap;
  }

  public AddressSpace space(int pid) {
    return spaces.get(pid);
  }

  // ---- frames ---------------------------------------------------------------------------------

  /**
   * One frame, or -1. Wakes kswapd below the low watermark; with {@code mayBlock} (process
   * context) reclaims directly, waiting for swap writes, before giving up.
   */
  long allocFrame(boolean mayBlock) {
    return allocFrame(mayBlock, false);
  }

  private long allocFrame(boolean mayBlock, boolean unmovable) {
    long f = unmovable ? buddy.allocateUnmovable(0) : buddy.allocate(0);
    if (buddy.freeFrames() < settings.lowWatermark()) {
      reclaimer.wakeKswapd();
    }
    if (f < 0 && shrinkCaches(32) > 0) {
      f = unmovable ? buddy.allocateUnmovable(0) : buddy.allocate(0);
    }
    if (f < 0 && mayBlock) {
      reclaimer.directReclaim();
      f = unmovable ? buddy.allocateUnmovable(0) : buddy.allocate(0);
    }
    if (f < 0) {
      oom.add(1);
    }
    return f;
  }

  /** A frame for the kernel's own use (page cache, buffers): unmovable, never swapped; -1 if none. */
  public long allocKernelFrame() {
    long f = allocFrame(true, true);
    if (f >= 0) {
      frames.setFlags(f, FrameTable.PAGETABLE);
    }
    return f;
  }

  public void freeKernelFrame(long f) {
    freeFrame(f);
  }

  long allocZeroed(boolean mayBlock) {
    long f = allocFrame(mayBlock);
    if (f >= 0) {
      memory.zeroFrame(f);
    }
    return f;
  }

  void freeFrame(long f) {
    reclaimer.forget(f);
    if (sharing != null) {
      sharing.forget(f);
    }
    boolean huge = frames.has(f, FrameTable.HUGE);
    frames.clear(f);
    buddy.free(f, huge ? BuddyAllocator.MAX_ORDER : 0);
  }

  private LongSupplier tableAllocator(AddressSpace as) {
    return () -> {
      long f = allocFrame(true, true);
      if (f >= 0) {
        memory.zeroFrame(f);
      }
      if (f >= 0) {
        frames.setFlags(f, FrameTable.PAGETABLE);
        as.tables.add(f);
      }
      return f;
    };
  }

  // ---- address spaces -------------------------------------------------------------------------

  /** A new, empty address space with a zeroed root table; null if memory is exhausted. */
  public AddressSpace create(int pid) {
    long root = allocFrame(true, true);
    if (root < 0) {
      return null;
    }
    memory.zeroFrame(root);
    frames.setFlags(root, FrameTable.PAGETABLE);
    AddressSpace as = new AddressSpace(pid, root << X86.PAGE_SHIFT);
    spaces.put(pid, as);
    return as;
  }

  /** Adds an area (the caller checked it is free). */
  public void addArea(AddressSpace as, long start, long end, int prot, boolean shared, String name) {
    as.insert(new Vma(start, end, prot, shared, name));
  }

  /** Adds an area mapping file {@code ino} from {@code offset}. */
  public void addFileArea(AddressSpace as, long start, long end, int prot, boolean shared, long ino, long offset) {
    Vma v = new Vma(start, end, prot, shared, "file");
    v.fileIno = ino;
    v.fileOffset = offset;
    as.insert(v);
  }

  /** Where file pages come from: the page cache's frame for a file offset (allocating a block for a write). */
  public interface FilePages {
    /** The cache frame holding {@code offset} of file {@code ino}, or -errno (SIGBUS past the end, ENOSPC). */
    long frame(long ino, long offset, boolean forWrite);
  }

  private FilePages filePages;

  public void setFilePages(FilePages pages) {
    this.filePages = pages;
  }

  /** A fault in a file mapping: map the cache frame (shared), or map it read-only / copy it (private). */
  private int fileFault(AddressSpace as, Vma vma, long slot, long page, boolean write) {
    long pte = tables.read(slot);
    if (PageTables.present(pte) && write && !vma.shared) {
      return copyOnWrite(as, vma, slot, pte, page);
    }
    if (PageTables.present(pte)) {
      ports.cpu().invalidatePage(as.cr3, page);
      return OK;
    }
    long frame = filePages == null ? -Errno.ENODEV : filePages.frame(vma.fileIno, vma.fileOffsetOf(page), write && vma.shared);
    if (frame < 0) {
      return SEGV;
    }
    if (!vma.shared && write) {
      long f = allocFrame(true);
      if (f < 0) {
        return OOM;
      }
      memory.copyFrame(frame, f);
      mapNew(as, vma, slot, page, f);
      return OK;
    }
    frames.addFlag(frame, FrameTable.FILE);
    frames.map(frame, as.pid, page >>> X86.PAGE_SHIFT);
    tables.write(slot, pteFor(frame, vma, vma.shared && vma.writable()));
    return OK;
  }

  /**
   * Harvests the dirty bits of shared mappings of file {@code ino} (all files for -1) in {@code
   * [start, end)} of {@code as} (every space for null): the page-cache frame of each page written
   * through a mapping is reported to {@code dirty}, and the page's dirty bit cleared.
   */
  public void harvestDirty(AddressSpace only, long ino, long start, long end, java.util.function.LongConsumer dirty) {
    for (AddressSpace as : only == null ? new ArrayList<>(spaces.values()) : List.of(only)) {
      for (Vma v : as.overlapping(start, end)) {
        if (!v.shared || v.fileIno == 0 || (ino >= 0 && v.fileIno != ino)) {
          continue;
        }
        for (long page = Math.max(start, v.start); page < Math.min(end, v.end); page += X86.PAGE_SIZE) {
          long slot = tables.slot(as.cr3, page, 1, false, null);
          if (slot < 0) {
            page = (page & ~(X86.LARGE_PAGE_SIZE - 1)) + X86.LARGE_PAGE_SIZE - X86.PAGE_SIZE;
            continue;
          }
          long pte = tables.read(slot);
          if (PageTables.present(pte) && (pte & X86.PTE_D) != 0) {
            tables.write(slot, pte & ~X86.PTE_D);
            ports.cpu().invalidatePage(as.cr3, page);
            dirty.accept(PageTables.frame(pte));
          }
        }
      }
    }
  }

  /** Frees every page, swap slot and table of {@code as}. */
  public void destroy(AddressSpace as) {
    for (Vma v : as.areas()) {
      unmapRange(as, v.start, v.end);
    }
    as.vmas.clear();
    for (long t : as.tables) {
      freeFrame(t);
    }
    as.tables.clear();
    freeFrame(as.cr3 >>> X86.PAGE_SHIFT);
    spaces.remove(as.pid);
    ports.cpu().invalidateAddressSpace(as.cr3);
  }

  /**
   * Whether {@code bytes} more of anonymous memory could ever be backed: Linux's heuristic
   * overcommit refuses a single request larger than memory and swap together.
   */
  public boolean mayCommit(long bytes) {
    long frames = settings.limitFrames() + (swap == null ? 0 : swap.slots());
    return bytes >>> X86.PAGE_SHIFT <= frames;
  }

  /** A free range of {@code length} for mmap, or -1. */
  public long findFree(AddressSpace as, long length) {
    return as.findFree(length);
  }

  /** Removes the areas of {@code [start, end)} (their pages must be unmapped first). */
  public void removeAreas(AddressSpace as, long start, long end) {
    as.remove(start, end);
  }

  /** Sets the protection of the areas of {@code [start, end)}; returns them. */
  public List<Vma> protect(AddressSpace as, long start, long end, int prot) {
    return as.protect(start, end, prot);
  }

  public void setBrk(AddressSpace as, long brk) {
    as.brk = brk;
  }

  // ---- faults ---------------------------------------------------------------------------------

  /**
   * Resolves a fault of {@code as} at {@code gva}: returns {@link #OK}, {@link #SEGV} (no area, or
   * the area forbids the access) or {@link #OOM}.
   */
  public int fault(AddressSpace as, long gva, boolean write, boolean exec) {
    Vma vma = as.find(gva);
    if (vma == null || (write && !vma.writable()) || (exec && !vma.executable()) || (!write && !exec && !vma.readable())) {
      return SEGV;
    }
    long page = X86.pageBase(gva);
    if (vma.fileIno != 0) {
      long fslot = tables.slot(as.cr3, page, 1, true, tableAllocator(as));
      return fslot < 0 ? OOM : fileFault(as, vma, fslot, page, write);
    }
    long pdSlot = tables.slot(as.cr3, page, 2, true, tableAllocator(as));
    if (pdSlot < 0) {
      return OOM;
    }
    long pde = tables.read(pdSlot);
    if (PageTables.huge(pde)) {
      if (write && (pde & X86.PTE_RW) == 0) {
        splitHuge(as, pdSlot, page & ~(X86.LARGE_PAGE_SIZE - 1));
      } else {
        ports.cpu().invalidatePage(as.cr3, page);
        return OK;
      }
    } else if (!PageTables.present(pde) && hugeEligible(vma, page)) {
      if (mapHuge(as, vma, pdSlot, page & ~(X86.LARGE_PAGE_SIZE - 1))) {
        return OK;
      }
    }
    long slot = tables.slot(as.cr3, page, 1, true, tableAllocator(as));
    if (slot < 0) {
      return OOM;
    }
    long pte = tables.read(slot);
    if (PageTables.present(pte)) {
      if (write && (pte & X86.PTE_RW) == 0) {
        return copyOnWrite(as, vma, slot, pte, page);
      }
      ports.cpu().invalidatePage(as.cr3, page);
      return OK;
    }
    if (PageTables.isSwap(pte)) {
      if (swap == null) {
        throw new IllegalStateException("a swap entry without a swap device at 0x" + Long.toHexString(page));
      }
      return swap.swapIn(as, vma, slot, pte, page);
    }
    long f = allocZeroed(true);
    if (f < 0) {
      return OOM;
    }
    mapNew(as, vma, slot, page, f);
    zeroFaults.add(1);
    return OK;
  }

  long pteFor(long frame, Vma vma, boolean writable) {
    return (frame << X86.PAGE_SHIFT) | X86.PTE_P | X86.PTE_US | (writable ? X86.PTE_RW : 0)
        | (vma.executable() ? 0 : X86.PTE_NX);
  }

  /** Maps fresh anonymous frame {@code f} at {@code page}; the slot was empty. */
  void mapNew(AddressSpace as, Vma vma, long slot, long page, long f) {
    frames.setFlags(f, FrameTable.ANON | (vma.shared ? FrameTable.SHARED : 0));
    frames.map(f, as.pid, page >>> X86.PAGE_SHIFT);
    tables.write(slot, pteFor(f, vma, vma.writable()));
    ports.hooks().pageTableUpdate(as.pid, page);
    if (!vma.shared) {
      reclaimer.added(f);
    }
  }

  private int copyOnWrite(AddressSpace as, Vma vma, long slot, long pte, long page) {
    long old = PageTables.frame(pte);
    long vpn = page >>> X86.PAGE_SHIFT;
    if (frames.mapcount(old) == 1 && !frames.has(old, FrameTable.KSM | FrameTable.FILE)) {
      tables.write(slot, pte | X86.PTE_RW);
      ports.cpu().invalidatePage(as.cr3, page);
      cowReuses.add(1);
      return OK;
    }
    long f = allocFrame(true);
    if (f < 0) {
      return OOM;
    }
    if (tables.read(slot) != pte) {
      // The allocation waited, and meanwhile sharing, compaction or reclaim changed the entry: retry.
      freeFrame(f);
      return OK;
    }
    if (memory.copyFrame(old, f) != OsView.OK) {
      freeFrame(f);
      return SEGV;
    }
    if (frames.unmap(old, as.pid, vpn) == 0 && !frames.has(old, FrameTable.FILE)) {
      freeFrame(old);
    }
    tables.write(slot, 0);
    mapNew(as, vma, slot, page, f);
    ports.cpu().invalidatePage(as.cr3, page);
    cowCopies.add(1);
    return OK;
  }

  private boolean hugeEligible(Vma vma, long page) {
    long region = page & ~(X86.LARGE_PAGE_SIZE - 1);
    return settings.thp() && !vma.shared && vma.start <= region && region + X86.LARGE_PAGE_SIZE <= vma.end;
  }

  private boolean mapHuge(AddressSpace as, Vma vma, long pdSlot, long region) {
    long f = buddy.allocate(BuddyAllocator.MAX_ORDER);
    if (f < 0) {
      hugeUnavailable.add(1);
      return false;
    }
    for (long i = 0; i < LARGE_FRAMES; i++) {
      memory.zeroFrame(f + i);
    }
    frames.setFlags(f, FrameTable.ANON | FrameTable.HUGE);
    frames.map(f, as.pid, region >>> X86.PAGE_SHIFT);
    tables.write(pdSlot, pteFor(f, vma, vma.writable()) | X86.PTE_PS);
    reclaimer.added(f);
    hugeFaults.add(1);
    if (buddy.freeFrames() < settings.lowWatermark()) {
      reclaimer.wakeKswapd();
    }
    return true;
  }

  /** Replaces the 2 MiB mapping at {@code pdSlot} by a page table of 512 4 KiB entries. */
  void splitHuge(AddressSpace as, long pdSlot, long region) {
    long pt = tableAllocator(as).getAsLong();
    if (pt < 0) {
      throw new IllegalStateException("no frame for a page table to split a 2 MiB page");
    }
    // The allocation may have waited: read the entry only now.
    long pde = tables.read(pdSlot);
    if (!PageTables.huge(pde)) {
      as.tables.remove(pt);
      freeFrame(pt);
      return;
    }
    long head = PageTables.frame(pde);
    long flags = pde & (X86.PTE_P | X86.PTE_RW | X86.PTE_US | X86.PTE_A | X86.PTE_D | X86.PTE_NX);
    reclaimer.forget(head);
    frames.unmap(head, as.pid, region >>> X86.PAGE_SHIFT);
    for (long i = 0; i < LARGE_FRAMES; i++) {
      tables.write((pt << X86.PAGE_SHIFT) + 8 * i, ((head + i) << X86.PAGE_SHIFT) | flags);
      frames.setFlags(head + i, FrameTable.ANON);
      frames.map(head + i, as.pid, (region >>> X86.PAGE_SHIFT) + i);
      reclaimer.added(head + i);
    }
    tables.write(pdSlot, (pt << X86.PAGE_SHIFT) | X86.PTE_P | X86.PTE_RW | X86.PTE_US);
    ports.cpu().invalidateAddressSpace(as.cr3);
    hugeSplits.add(1);
  }

  /** Splits the 2 MiB mapping covering {@code gva}, if there is one. */
  public void splitHugeAt(AddressSpace as, long gva) {
    long pdSlot = tables.slot(as.cr3, gva, 2, false, null);
    if (pdSlot >= 0 && PageTables.huge(tables.read(pdSlot))) {
      splitHuge(as, pdSlot, gva & ~(X86.LARGE_PAGE_SIZE - 1));
    }
  }

  // ---- unmapping ------------------------------------------------------------------------------

  /**
   * Unmaps {@code [start, end)}: frees pages no one else maps and swap slots no one else holds.
   * Only the parts inside areas are walked, so a huge range costs what it maps, not its length.
   */
  public void unmapRange(AddressSpace as, long start, long end) {
    for (Vma v : as.overlapping(start, end)) {
      unmapPages(as, Math.max(start, v.start), Math.min(end, v.end));
    }
  }

  private void unmapPages(AddressSpace as, long start, long end) {
    long page = start;
    while (page < end) {
      long region = page & ~(X86.LARGE_PAGE_SIZE - 1);
      long regionEnd = region + X86.LARGE_PAGE_SIZE;
      long pdSlot = tables.slot(as.cr3, page, 2, false, null);
      long pde = pdSlot < 0 ? 0 : tables.read(pdSlot);
      if (!PageTables.present(pde)) {
        page = pdSlot < 0 ? tables.nextMapped(as.cr3, page) : regionEnd;
        continue;
      }
      if (PageTables.huge(pde)) {
        if (page == region && end >= regionEnd) {
          long head = PageTables.frame(pde);
          tables.write(pdSlot, 0);
          if (frames.unmap(head, as.pid, region >>> X86.PAGE_SHIFT) == 0) {
            freeFrame(head);
          }
          ports.cpu().invalidateAddressSpace(as.cr3);
          page = regionEnd;
          continue;
        }
        splitHuge(as, pdSlot, region);
      }
      long stop = Math.min(end, regionEnd);
      for (; page < stop; page += X86.PAGE_SIZE) {
        long slot = tables.slot(as.cr3, page, 1, false, null);
        long pte = tables.read(slot);
        if (PageTables.mapsFrame(pte)) {
          long f = PageTables.frame(pte);
          tables.write(slot, 0);
          ports.cpu().invalidatePage(as.cr3, page);
          boolean file = frames.has(f, FrameTable.FILE);
          if (frames.unmap(f, as.pid, page >>> X86.PAGE_SHIFT) == 0) {
            if (file) {
              frames.clearFlag(f, FrameTable.FILE);
            } else {
              freeFrame(f);
            }
          }
        } else if (PageTables.isSwap(pte)) {
          tables.write(slot, 0);
          swap.release(PageTables.swapSlot(pte));
        }
      }
    }
  }

  /** Rewrites the entries of {@code [start, end)} for protection {@code vma.prot} (mprotect). */
  public void reprotect(AddressSpace as, Vma vma, long start, long end) {
    for (long page = start; page < end; page += X86.PAGE_SIZE) {
      splitHugeAt(as, page);
      long slot = tables.slot(as.cr3, page, 1, false, null);
      if (slot < 0) {
        page = (page & ~(X86.LARGE_PAGE_SIZE - 1)) + X86.LARGE_PAGE_SIZE - X86.PAGE_SIZE;
        continue;
      }
      long pte = tables.read(slot);
      if (!PageTables.mapsFrame(pte)) {
        continue;
      }
      long f = PageTables.frame(pte);
      long e;
      if (vma.prot == 0) {
        e = (f << X86.PAGE_SHIFT) | PageTables.PROTNONE;
      } else {
        // A page still shared copy-on-write stays read-only; the write fault copies it.
        boolean writable = vma.writable() && (vma.shared || (frames.mapcount(f) == 1 && !frames.has(f, FrameTable.KSM)));
        e = pteFor(f, vma, writable) | (pte & (X86.PTE_A | X86.PTE_D));
      }
      tables.write(slot, e);
      ports.cpu().invalidatePage(as.cr3, page);
    }
  }

  // ---- fork -----------------------------------------------------------------------------------

  /** The child's copy of {@code parent}: same areas, private pages shared copy-on-write. */
  public AddressSpace fork(AddressSpace parent, int childPid) {
    AddressSpace child = create(childPid);
    if (child == null) {
      return null;
    }
    for (Vma v : parent.areas()) {
      child.insert(v.copy());
    }
    child.brk = parent.brk;
    // 2 MiB pages are split first, so copy-on-write works on 4 KiB pages.
    List<Long> hugeRegions = new ArrayList<>();
    tables.forEach(parent.cr3, (gva, slot, e, huge) -> {
      if (huge) {
        hugeRegions.add(gva);
      }
    });
    for (long region : hugeRegions) {
      splitHugeAt(parent, region);
    }
    long[] copied = {0};
    List<long[]> leaves = new ArrayList<>();
    tables.forEach(parent.cr3, (gva, slot, e, huge) -> leaves.add(new long[] {gva, slot, e}));
    for (long[] leaf : leaves) {
      long gva = leaf[0];
      long e = leaf[2];
      long childSlot = tables.slot(child.cr3, gva, 1, true, tableAllocator(child));
      if (childSlot < 0) {
        destroy(child);
        return null;
      }
      if (PageTables.mapsFrame(e)) {
        long f = PageTables.frame(e);
        if (!frames.has(f, FrameTable.SHARED) && (e & X86.PTE_RW) != 0) {
          e &= ~X86.PTE_RW;
          tables.write(leaf[1], e);
        }
        frames.map(f, childPid, gva >>> X86.PAGE_SHIFT);
        tables.write(childSlot, e);
      } else if (PageTables.isSwap(e)) {
        swap.duplicate(PageTables.swapSlot(e));
        tables.write(childSlot, e);
      }
      copied[0]++;
    }
    ports.cpu().invalidateAddressSpace(parent.cr3);
    ports.cpu().charge(CostCategory.COMPUTE, copied[0] * FORK_PTE_NANOS);
    return child;
  }

  // ---- user memory ----------------------------------------------------------------------------

  /**
   * The gpa of user address {@code gva} for a kernel access, faulting the page in (and breaking
   * copy-on-write for a write) as the hardware would for the process; -EFAULT if not allowed.
   */
  public long userAddress(AddressSpace as, long gva, boolean write) {
    for (int attempt = 0; attempt < 4; attempt++) {
      long pde = tables.pdEntry(as.cr3, gva);
      if (PageTables.huge(pde) && (!write || (pde & X86.PTE_RW) != 0)) {
        return (pde & X86.PTE_ADDR_2M) | (gva & (X86.LARGE_PAGE_SIZE - 1));
      }
      long slot = PageTables.present(pde) && !PageTables.huge(pde) ? tables.slot(as.cr3, gva, 1, false, null) : -1;
      long pte = slot < 0 ? 0 : tables.read(slot);
      if (PageTables.present(pte) && (!write || (pte & X86.PTE_RW) != 0)) {
        return (pte & X86.PTE_ADDR) | (gva & X86.PAGE_MASK);
      }
      int r = fault(as, gva, write, false);
      if (r != OK) {
        return -Errno.EFAULT;
      }
    }
    return -Errno.EFAULT;
  }

  /** Copies {@code src} to user memory; 0 or -EFAULT. */
  public int copyToUser(AddressSpace as, long gva, byte[] src, int off, int len) {
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
      long gpa = userAddress(as, gva, true);
      if (gpa < 0 || memory.write(gpa, src, off, n) != OsView.OK) {
        return -Errno.EFAULT;
      }
      gva += n;
      off += n;
      len -= n;
    }
    return 0;
  }

  /** Copies user memory into {@code dst}; 0 or -EFAULT. */
  public int copyFromUser(AddressSpace as, long gva, byte[] dst, int off, int len) {
    while (len > 0) {
      int n = (int) Math.min(len, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
      long gpa = userAddress(as, gva, false);
      if (gpa < 0 || memory.read(gpa, dst, off, n) != OsView.OK) {
        return -Errno.EFAULT;
      }
      gva += n;
      off += n;
      len -= n;
    }
    return 0;
  }

  /** The leaf entry mapping {@code gva} in {@code pid}'s tables (4 KiB or 2 MiB), or 0. */
  public long entry(int pid, long gva) {
    AddressSpace as = spaces.get(pid);
    if (as == null) {
      return 0;
    }
    long pde = tables.pdEntry(as.cr3, gva);
    if (PageTables.huge(pde) || !PageTables.present(pde)) {
      return pde;
    }
    long slot = tables.slot(as.cr3, gva, 1, false, null);
    return slot < 0 ? 0 : tables.read(slot);
  }

  /** The slot of the 4 KiB entry mapping {@code vpn} of {@code pid}, or -1. */
  long slotOf(int pid, long vpn) {
    AddressSpace as = spaces.get(pid);
    return as == null ? -1 : tables.slot(as.cr3, vpn << X86.PAGE_SHIFT, 1, false, null);
  }
}
