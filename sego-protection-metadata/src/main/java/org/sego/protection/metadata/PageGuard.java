package org.sego.protection.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.support.LongObjectMap;

/**
 * Paraverified page tables. Every frame of a HAP's page tables (all four levels) is write-protected
 * in the OS's view and snapshotted in hypervisor memory. The kernel still writes them itself (to
 * age, unmap or swap out a page): its first write to a table exits, and the table is unprotected
 * and marked changed. Before the HAP runs again ({@code resuming}), every changed table is compared
 * with its snapshot, each entry that changed is checked by the {@link LeafCheck} (a new table below
 * is adopted and checked whole), the HAP's TLB entries through the old entry are invalidated by the
 * hypervisor (so a change whose invalidation the kernel skipped takes effect anyway), and the table
 * is protected again. The kernel's own way to map a HAP's page, {@code install-pte}, is checked
 * before the entry is written.
 */
final class PageGuard {
  /** Bits of an entry that the MMU sets by itself: not a change of the mapping. */
  private static final long HW_BITS = X86.PTE_A | X86.PTE_D;

  /** Checks a leaf: null if {@code pid} may map {@code gfn} at page {@code gvaPage} ({@code writable}), else the evidence. */
  @FunctionalInterface
  interface LeafCheck {
    String check(int pid, long gvaPage, long gfn, boolean writable);
  }

  /** Checks a frame about to become a table of {@code pid} ({@code already}: what it is already, or null): null if it may, else the evidence. */
  @FunctionalInterface
  interface TableCheck {
    String check(int pid, long gfn, String already);
  }

  /** What changes of a leaf the guard reports (to flush the HAP's TLB through the old frame). */
  @FunctionalInterface
  interface LeafGone {
    void gone(int pid, long gvaPage, long oldGfn);
  }

  private static final class Table {
    final int pid;
    final long gfn;
    final int level;
    final long base;
    /** The table as the guard last checked it (its 4 KiB, little-endian entries). */
    final byte[] snapshot = new byte[X86.PAGE_SIZE];

    long entry(int i) {
      return (long) LONGS.get(snapshot, 8 * i);
    }

    void set(int i, long e) {
      LONGS.set(snapshot, 8 * i, e);
    }
    boolean dirty;

    Table(int pid, long gfn, int level, long base) {
      this.pid = pid;
      this.gfn = gfn;
      this.level = level;
      this.base = base;
    }
  }

  private final HypervisorServices hv;
  private final LeafCheck check;
  private final TableCheck tableCheck;
  private final LeafGone gone;
  private final LongObjectMap<Table> tables = new LongObjectMap<>();
  /** Per HAP, its tables written since it last ran (the lists are kept and reused). */
  private final Map<Integer, List<Table>> dirty = new TreeMap<>();
  private final int category;
  private final long compareNanos;
  private final long walkStepNanos;
  private final byte[] buffer = new byte[X86.PAGE_SIZE];
  private final StatsSink.Counter writes;
  private final StatsSink.Counter compared;
  private final StatsSink.Counter changed;
  /**
   * The last walk of {@code install} to a 4 KiB leaf table through write-protected guarded tables
   * only: {@code cr3} and 2 MiB region to that table. The first write to such a table exits, so
   * every change that could redirect the walk forgets it first ({@link #forgetWalk}); the walk's
   * cost is charged either way (a host-side shortcut, not a model change).
   */
  private long walkCr3 = -1;
  private long walkRegion = -1;
  private long walkTable = -1;

  PageGuard(HypervisorServices hv, LeafCheck check, TableCheck tableCheck, LeafGone gone) {
    this.hv = hv;
    this.check = check;
    this.tableCheck = tableCheck;
    this.gone = gone;
    this.category = hv.category("sego.paraverify");
    this.compareNanos = hv.costs().bandwidth(CostProfile.HV_COPY).nanosFor(X86.PAGE_SIZE);
    this.walkStepNanos = hv.costs().duration(CostProfile.MEM_WALK_STEP).nanos();
    String p = hv.path();
    writes = hv.stats().counter(p + ".table-write-exits", "exits", "kernel writes to a HAP's write-protected page table (first per table between checks)");
    compared = hv.stats().counter(p + ".tables-compared", "tables", "changed HAP page tables compared with their snapshot before the HAP ran");
    changed = hv.stats().counter(p + ".entries-checked", "entries", "changed HAP page-table entries checked against the metadata and intents");
  }

  private static int shift(int level) {
    return X86.PAGE_SHIFT + 9 * (level - 1);
  }

  private long host(long gfn) {
    return hv.views().os().frame(gfn);
  }

  static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Reads table {@code gfn} into {@code into} (one 4 KiB read by the hypervisor, charged). */
  private byte[] read(long gfn, byte[] into) {
    hv.memory().read(host(gfn) << X86.PAGE_SHIFT, into, 0, into.length);
    hv.charge(category, compareNanos);
    return into;
  }

  /** Whether {@code gfn} is one of the guarded tables. */
  boolean guards(long gfn) {
    return tables.containsKey(gfn);
  }

  /** Whether {@code gfn} is one of {@code pid}'s tables. */
  boolean tableOf(long gfn, int pid) {
    Table t = tables.get(gfn);
    return t != null && t.pid == pid;
  }

  /** Starts guarding {@code pid}'s page tables from {@code cr3}: every table adopted, every leaf checked. */
  void adopt(int pid, long cr3) {
    adopt(pid, (cr3 & X86.PTE_ADDR) >>> X86.PAGE_SHIFT, 4, 0);
  }

  private void adopt(int pid, long gfn, int level, long base) {
    Table existing = tables.get(gfn);
    if (existing != null && existing.pid == pid && existing.level == level && existing.base == base) {
      return;
    }
    // A table linked twice (its leaves would map two places, checked for one), in an S-page (the
    // OS would read it) or outside guest memory is not adopted.
    String evidence = tableCheck.check(pid, gfn, existing == null ? null : "already the level-" + existing.level
        + " table of pid " + existing.pid + " at 0x" + Long.toHexString(existing.base));
    if (evidence != null) {
      hv.violation(pid, evidence);
    }
    if (existing != null || evidence != null || gfn >= hv.guestFrames()) {
      return;
    }
    Table t = new Table(pid, gfn, level, base);
    tables.put(gfn, t);
    read(gfn, t.snapshot);
    hv.views().os().setPermissions(gfn, X86.EPT_R);
    for (int i = 0; i < X86.ENTRIES_PER_TABLE; i++) {
      long e = t.entry(i);
      if ((e & X86.PTE_P) != 0) {
        arrived(t, i, e);
      }
    }
  }

  private void arrived(Table t, int i, long entry) {
    long gva = t.base + ((long) i << shift(t.level));
    if (t.level > 1 && (entry & X86.PTE_PS) == 0) {
      adopt(t.pid, (entry & X86.PTE_ADDR) >>> X86.PAGE_SHIFT, t.level - 1, gva);
    } else if (t.level <= 2) {
      checkLeaf(t.pid, gva, entry, t.level);
    }
  }

  private void checkLeaf(int pid, long gva, long entry, int level) {
    boolean huge = level == 2;
    long first = (huge ? entry & X86.PTE_ADDR_2M : entry & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
    boolean writable = (entry & X86.PTE_RW) != 0;
    for (int k = 0, n = huge ? X86.ENTRIES_PER_TABLE : 1; k < n; k++) {
      changed.add(1);
      String evidence = check.check(pid, gva + ((long) k << X86.PAGE_SHIFT), first + k, writable);
      if (evidence != null) {
        hv.violation(pid, evidence);
        return;
      }
    }
  }

  private void left(Table t, int i, long entry) {
    long gva = t.base + ((long) i << shift(t.level));
    if (t.level > 1 && (entry & X86.PTE_PS) == 0) {
      drop((entry & X86.PTE_ADDR) >>> X86.PAGE_SHIFT);
    } else if (t.level <= 2) {
      long first = (t.level == 2 ? entry & X86.PTE_ADDR_2M : entry & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
      for (int k = 0, n = t.level == 2 ? X86.ENTRIES_PER_TABLE : 1; k < n; k++) {
        gone.gone(t.pid, gva + ((long) k << X86.PAGE_SHIFT), first + k);
      }
    }
  }

  /** Stops guarding table {@code gfn} and every table below it. */
  private void drop(long gfn) {
    forgetWalk();
    Table t = tables.remove(gfn);
    if (t == null) {
      return;
    }
    if (t.level > 1) {
      for (int i = 0; i < X86.ENTRIES_PER_TABLE; i++) {
        long e = t.entry(i);
        if ((e & X86.PTE_P) != 0 && (e & X86.PTE_PS) == 0) {
          drop((e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT);
        }
      }
    }
    hv.views().os().setPermissions(gfn, X86.EPT_RWX);
  }

  /** A kernel or DMA write hit {@code gfn}: if it is a guarded table, it is unprotected and marked changed (true). */
  boolean written(long gfn) {
    Table t = tables.get(gfn);
    if (t == null) {
      return false;
    }
    forgetWalk();
    writes.add(1);
    hv.views().os().setPermissions(gfn, X86.EPT_RWX);
    if (!t.dirty) {
      t.dirty = true;
      dirty.computeIfAbsent(t.pid, p -> new ArrayList<>()).add(t);
    }
    return true;
  }

  /** {@code pid} is about to run: every table of it that changed is compared, checked and protected again. */
  void resuming(int pid) {
    List<Table> list = dirty.get(pid);
    if (list == null || list.isEmpty()) {
      return;
    }
    if (list.size() > 1) {
      list.sort(PARENTS_FIRST); // a child its parent's change dropped is not compared
    }
    try {
      for (int n = 0; n < list.size(); n++) {
        compare(list.get(n));
      }
    } finally {
      list.clear();
    }
  }

  private void compare(Table t) {
    if (tables.get(t.gfn) != t) {
      return; // dropped by its parent's change
    }
    compared.add(1);
    read(t.gfn, buffer);
    t.dirty = false;
    hv.views().os().setPermissions(t.gfn, X86.EPT_R);
    // Only the entries whose bytes differ are looked at (a vectorized scan finds them).
    for (int at = java.util.Arrays.mismatch(t.snapshot, buffer); at >= 0; ) {
      int i = at >>> 3;
      long old = t.entry(i);
      long cur = (long) LONGS.get(buffer, 8 * i);
      if ((old & ~HW_BITS) != (cur & ~HW_BITS)) {
        t.set(i, cur);
        if ((old & X86.PTE_P) != 0) {
          left(t, i, old);
        }
        if ((cur & X86.PTE_P) != 0) {
          arrived(t, i, cur);
        }
      } else {
        t.set(i, cur); // only the accessed and dirty bits the MMU sets
      }
      int from = 8 * (i + 1);
      if (from >= X86.PAGE_SIZE) {
        break;
      }
      int next = java.util.Arrays.mismatch(t.snapshot, from, X86.PAGE_SIZE, buffer, from, X86.PAGE_SIZE);
      at = next < 0 ? -1 : from + next;
    }
  }

  private static final java.util.Comparator<Table> PARENTS_FIRST = (a, b) -> Integer.compare(b.level, a.level);

  /**
   * {@code install-pte}: the entry for {@code gva} of {@code pid} (4 KiB, or 2 MiB with {@code
   * PTE_PS}) is checked and, if it passes, written by the hypervisor. Returns null when written,
   * else the evidence (nothing written); "no table" when the tables above it are missing.
   */
  String install(int pid, long cr3, long gva, long pte) {
    boolean huge = (pte & X86.PTE_PS) != 0;
    int level = huge ? 2 : 1;
    long table = (cr3 & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
    if (table >= hv.guestFrames()) {
      return "no table";
    }
    if (huge) {
      forgetWalk(); // (a 2 MiB entry replaces a leaf table's link)
    }
    if (!huge && cr3 == walkCr3 && gva >>> 21 == walkRegion) {
      hv.charge(category, 3 * walkStepNanos);
      table = walkTable;
    } else {
      boolean guarded = protectedTable(table);
      for (int l = 4; l > level; l--) {
        hv.charge(category, walkStepNanos);
        long e = hv.memory().load64((host(table) << X86.PAGE_SHIFT) + 8L * X86.tableIndex(gva, l));
        table = (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
        if ((e & X86.PTE_P) == 0 || (e & X86.PTE_PS) != 0 || table >= hv.guestFrames()) {
          return "no table";
        }
        guarded &= protectedTable(table);
      }
      if (!huge && guarded) {
        walkCr3 = cr3;
        walkRegion = gva >>> 21;
        walkTable = table;
      }
    }
    int i = X86.tableIndex(gva, level);
    // The entry lands in the table's owner's tree (the kernel may name another pid whose walk reaches it).
    Table t = tables.get(table);
    int owner = t == null ? pid : t.pid;
    long at = t == null ? X86.pageBase(gva) : t.base + ((long) i << shift(level));
    long slot = (host(table) << X86.PAGE_SHIFT) + 8L * i;
    long old = hv.memory().load64(slot);
    if ((pte & X86.PTE_P) != 0) {
      long first = (huge ? pte & X86.PTE_ADDR_2M : pte & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
      for (int k = 0, n = huge ? X86.ENTRIES_PER_TABLE : 1; k < n; k++) {
        changed.add(1);
        String evidence = check.check(owner, at + ((long) k << X86.PAGE_SHIFT), first + k, (pte & X86.PTE_RW) != 0);
        if (evidence != null) {
          return evidence;
        }
      }
    }
    hv.memory().store64(slot, pte);
    if (t != null && !t.dirty) {
      t.set(i, pte);
      if ((old & X86.PTE_P) != 0) {
        left(t, i, old);
      }
    }
    return null;
  }

  /** Whether {@code gfn} is a guarded table not written since its last check (so still write-protected). */
  private boolean protectedTable(long gfn) {
    Table t = tables.get(gfn);
    return t != null && !t.dirty;
  }

  private void forgetWalk() {
    walkCr3 = -1;
    walkRegion = -1;
    walkTable = -1;
  }

  /** The leaf entry mapping {@code gva} in the tables under {@code cr3} (a 2 MiB one included), or 0 when none is present; walk charged. */
  long leaf(long cr3, long gva) {
    long table = (cr3 & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
    for (int l = 4; l >= 1 && table < hv.guestFrames(); l--) {
      hv.charge(category, walkStepNanos);
      long e = hv.memory().load64((host(table) << X86.PAGE_SHIFT) + 8L * X86.tableIndex(gva, l));
      if ((e & X86.PTE_P) == 0) {
        return 0;
      }
      if (l == 1 || (l == 2 && (e & X86.PTE_PS) != 0)) {
        return e;
      }
      table = (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
    }
    return 0;
  }

  /** Process {@code pid} is gone: its tables are no longer guarded. */
  void forget(int pid) {
    forgetWalk();
    List<Long> mine = new ArrayList<>();
    tables.forEach((gfn, t) -> {
      if (t.pid == pid) {
        mine.add(gfn);
      }
    });
    for (long gfn : mine) {
      tables.remove(gfn);
      hv.views().os().setPermissions(gfn, X86.EPT_RWX);
    }
    dirty.remove(pid);
  }

  void clear() {
    forgetWalk();
    List<Long> all = new ArrayList<>();
    tables.forEach((gfn, t) -> all.add(gfn));
    for (long gfn : all) {
      hv.views().os().setPermissions(gfn, X86.EPT_RWX);
    }
    tables.clear();
    dirty.clear();
  }

  /** Host memory for the snapshots: a page per guarded table. */
  long ramBytes() {
    return (long) tables.size() * (X86.PAGE_SIZE + 64);
  }
}
