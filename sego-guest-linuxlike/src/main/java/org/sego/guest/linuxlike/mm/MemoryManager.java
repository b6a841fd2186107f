package org.sego.guest.linuxlike.mm;

import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.sego.api.guest.KernelPorts;
import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.posix.Errno;
import org.sego.api.sim.StatsSink;
import org.sego.support.PidTable;

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
  final KernelPorts ports;
  /** The kernel's own work, from the run's cost profile. */
  public final KernelCosts costs;
  final OsView memory;
  final PageTables tables;
  final BuddyAllocator buddy;
  final FrameTable frames;
  final MemorySettings settings;
  /** Address spaces by pid (looked up on every fault and eviction). */
  final PidTable<AddressSpace> spaces = new PidTable<>();
  /** Caches that give frames back under memory pressure (the page cache): asked before anonymous pages are swapped. */
  private final List<java.util.function.IntUnaryOperator> shrinkers = new ArrayList<>();
  final Reclaimer reclaimer;
  final HugePages huge = new HugePages(this);
  final SwapSpace swap;
  final PageSharing sharing;
  final Compaction compaction;
  private final StatsSink.Counter zeroFaults;
  private final StatsSink.Counter fileFaults;
  final StatsSink.Counter hugeFaults;
  final StatsSink.Counter hugeSplits;
  private final StatsSink.Counter oom;
  private final StatsSink.Counter zeroDenied;
  final StatsSink.Counter hugeUnavailable;

  final HapServices hap;
  private final CopyOnWrite cow;

  public MemoryManager(KernelPorts ports, MemorySettings settings, long firstFrame) {
    this.costs = KernelCosts.of(ports.costs());
    this.ports = ports;
    this.memory = ports.memory();
    this.tables = new PageTables(memory);
    this.settings = settings;
    this.buddy = new BuddyAllocator(firstFrame, settings.limitFrames());
    this.frames = new FrameTable(settings.limitFrames());
    this.hap = new HapServices(ports, spaces.asMap(), frames, tables);
    StatsSink s = ports.stats();
    fileFaults = s.counter("system.guest.mm.file-faults", "faults", "faults on a file mapping, served from the page cache");
    zeroFaults = s.counter("system.guest.mm.zero-fill-faults", "faults", "faults served with a fresh zeroed page");
    hugeFaults = s.counter("system.guest.mm.huge-faults", "pages", "faults served with a 2 MiB page");
    hugeSplits = s.counter("system.guest.mm.huge-splits", "pages", "2 MiB mappings split into 4 KiB ones");
    hugeUnavailable = s.counter("system.guest.mm.huge-unavailable", "faults", "faults eligible for a 2 MiB page when no 2 MiB block was free");
    zeroDenied = s.counter("system.guest.mm.zero-denied", "frames", "fresh frames the OS view would not let the kernel zero (no zero service)");
    oom = s.counter("system.guest.mm.out-of-memory", "events", "allocations that failed even after reclaim");
    this.cow = new CopyOnWrite(this);
    this.swap = settings.swapDevice().isEmpty() ? null : new SwapSpace(this, settings.swapDevice());
    this.reclaimer = new Reclaimer(this);
    this.sharing = settings.sharing().equals("off") ? null : new PageSharing(this, settings.sharing().equals("aware"));
    this.compaction = settings.compaction().equals("off") ? null
        : new Compaction(this, settings.compaction().equals("aware"));
  }

  public MemorySettings settings() {
    return settings;
  }

  /** The hypervisor's services, as the kernel uses them. */
  public HapServices hap() {
    return hap;
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
    for (int attempt = 0; attempt < 8; attempt++) {
      long f = allocFrame(mayBlock);
      if (f < 0 || zero(f)) {
        return f;
      }
      // Neither the kernel nor the hypervisor zeroed it: it is never handed out (it leaves the pool).
      zeroDenied.add(1);
    }
    return -1;
  }

  /** Zeroes a fresh frame; one the OS view refuses is zeroed by the hypervisor when it offers it. */
  boolean zero(long f) {
    if (memory.zeroFrame(f) == OsView.OK) {
      return true;
    }
    return hap.offers(Capabilities.ZERO) && hap.call(new KernelHypercalls.ZeroPage(-1, -1, f)) instanceof HypercallResult.Ok;
  }

  /**
   * Returns a frame to the allocator. A frame that held a HAP's page is released first (the
   * hypervisor scrubs it and gives it back to the OS), when the strategy offers release.
   */
  void freeFrame(long f) {
    if (frames.has(f, FrameTable.HAP) && hap.release) {
      long n = frames.has(f, FrameTable.HUGE) ? 512 : 1;
      for (long i = 0; i < n; i++) {
        hap.call(new KernelHypercalls.ReleasePage(-1, f + i));
      }
    }
    reclaimer.forget(f);
    if (sharing != null) {
      sharing.forget(f);
    }
    boolean huge = frames.has(f, FrameTable.HUGE);
    frames.clear(f);
    buddy.free(f, huge ? BuddyAllocator.MAX_ORDER : 0);
  }

  /** The page-table allocator of {@code as}, made once per address space (the fault path asks on every fault). */
  LongSupplier tableAllocator(AddressSpace as) {
    if (as.tableAllocator == null) {
      as.tableAllocator = newTableAllocator(as);
    }
    return as.tableAllocator;
  }

  private LongSupplier newTableAllocator(AddressSpace as) {
    return () -> {
      long f = allocFrame(true, true);
      if (f >= 0) {
        memory.zeroFrame(f);
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

    /** A HAP maps file {@code ino}: its pages are a secure file's, moved by the file-page hypercalls. */
    default void markSecure(long ino) {}
  }

  FilePages filePages;

  public void setFilePages(FilePages pages) {
    this.filePages = pages;
  }

  private final FileMappings fileMappings = new FileMappings(this);

  /**
   * Harvests the dirty bits of shared mappings of file {@code ino} (all files for -1) in {@code
   * [start, end)} of {@code only} (every space for null), reporting each written page-cache frame.
   */
  public void harvestDirty(AddressSpace only, long ino, long start, long end, java.util.function.LongConsumer dirty) {
    fileMappings.harvestDirty(only, ino, start, end, dirty);
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
      if (fslot >= 0) {
        fileFaults.add(1);
      }
      return fslot < 0 ? OOM : fileMappings.fileFault(as, vma, fslot, page, write);
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
    } else if (!PageTables.present(pde) && huge.hugeEligible(vma, page)) {
      if (huge.mapHuge(as, vma, pdSlot, page & ~(X86.LARGE_PAGE_SIZE - 1))) {
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
        // Only something that rewrote the entry behind the kernel's back makes one (Linux: a bad swap entry).
        return SEGV;
      }
      return swap.swapIn(as, vma, slot, pte, page);
    }
    long f = allocZeroed(true);
    if (f < 0) {
      return OOM;
    }
    if (!mapNew(as, vma, slot, page, f)) {
      freeFrame(f);
      return SEGV;
    }
    zeroFaults.add(1);
    return OK;
  }

  long pteFor(long frame, Vma vma, boolean writable) {
    return (frame << X86.PAGE_SHIFT) | X86.PTE_P | X86.PTE_US | (writable ? X86.PTE_RW : 0)
        | (vma.executable() ? 0 : X86.PTE_NX);
  }

  /** Maps fresh anonymous frame {@code f} at {@code page}; the slot was empty. */
  boolean mapNew(AddressSpace as, Vma vma, long slot, long page, long f) {
    if (!hap.installPte(as, page, slot, pteFor(f, vma, vma.writable()))) {
      return false; // refused: nothing mapped; the caller frees the frame
    }
    mapped(as, vma, page, f);
    return true;
  }

  /** The entry mapping {@code page} of {@code as} from fresh frame {@code f} is in place: the frame's owner, flags and lists follow. */
  void mapped(AddressSpace as, Vma vma, long page, long f) {
    frames.setFlags(f, FrameTable.ANON | (vma.shared ? FrameTable.SHARED : 0) | (hap.hapSpace(as) ? FrameTable.HAP : 0));
    frames.map(f, as.pid, page >>> X86.PAGE_SHIFT);
    ports.hooks().pageTableUpdate(as.pid, page);
    if (!vma.shared) {
      reclaimer.added(f);
    }
  }

  int copyOnWrite(AddressSpace as, Vma vma, long slot, long pte, long page) {
    return cow.fault(as, vma, slot, pte, page);
  }

  void splitHuge(AddressSpace as, long pdSlot, long region) {
    huge.splitHuge(as, pdSlot, region);
  }

  /** Splits the 2 MiB mapping covering {@code gva}, if there is one. */
  public void splitHugeAt(AddressSpace as, long gva) {
    huge.splitHugeAt(as, gva);
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

  private final Unmapper unmapper = new Unmapper(this);

  private void unmapPages(AddressSpace as, long start, long end) {
    unmapper.unmapPages(as, start, end);
  }

  /** Rewrites the entries of {@code [start, end)} for protection {@code vma.prot} (mprotect). */
  public void reprotect(AddressSpace as, Vma vma, long start, long end) {
    unmapper.reprotect(as, vma, start, end);
  }

  // ---- fork -----------------------------------------------------------------------------------

  /** The child's copy of {@code parent}: same areas, private pages shared copy-on-write. */
  public AddressSpace fork(AddressSpace parent, int childPid) {
    return ForkCopy.copy(this, parent, childPid);
  }

  // ---- user memory ----------------------------------------------------------------------------

  private final UserMemory user = new UserMemory(this);

  /** The gpa of user address {@code gva} for a kernel access (faulting it in); -EFAULT if not allowed. */
  public long userAddress(AddressSpace as, long gva, boolean write) {
    return user.userAddress(as, gva, write);
  }

  /** Copies {@code src} to user memory for {@code path} ({@link UserMemory#copyToUser}); 0 or -EFAULT. */
  public int copyToUser(AddressSpace as, long gva, byte[] src, int off, int len, org.sego.api.guest.KernelUserWrite path) {
    return user.copyToUser(as, gva, src, off, len, path);
  }

  /** Copies user memory into {@code dst}; 0 or -EFAULT. */
  public int copyFromUser(AddressSpace as, long gva, byte[] dst, int off, int len) {
    return user.copyFromUser(as, gva, dst, off, len);
  }

  /** The slot of the 4 KiB entry mapping {@code vpn} of {@code pid}, or -1. */
  long slotOf(int pid, long vpn) {
    AddressSpace as = space(pid);
    return as == null ? -1 : tables.slot(as.cr3, vpn << X86.PAGE_SHIFT, 1, false, null);
  }
}
