package org.sego.examples.isolate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;

/**
 * isolate's frame bookkeeping: which guest frames it withholds from the OS and for which HAP pages,
 * and the walk of a process's page tables it checks them against (each entry read charged).
 */
final class Frames {
  private final HypervisorServices hv;
  private final Map<Integer, Integer> viewOf;
  private final int category;
  private final long walkStepNanos;
  private final long scrubNanos;
  private final StatsSink.Counter claimed;
  private final LongConsumer onRelease;
  /** Claimed frame to its owners: {pid, vpn} each. */
  final Map<Long, List<long[]>> owners = new HashMap<>();
  /** Claimed frames of the page cache holding a secure file's page: kept from the OS until the kernel releases them. */
  final Set<Long> fileFrames = new HashSet<>();

  Frames(HypervisorServices hv, Map<Integer, Integer> viewOf, int category, long walkStepNanos, long scrubNanos,
      LongConsumer onRelease) {
    this.hv = hv;
    this.viewOf = viewOf;
    this.category = category;
    this.walkStepNanos = walkStepNanos;
    this.scrubNanos = scrubNanos;
    this.onRelease = onRelease;
    this.claimed = hv.stats().counter(hv.path() + ".frames-claimed", "frames",
        "frames taken from the OS for a HAP's protected memory");
  }

  /** The host frame behind guest frame {@code gfn}, as the OS view maps it whatever its permissions. */
  long hostFrame(long gfn) {
    return hv.views().os().frame(gfn);
  }

  long hostAddress(long gpa) {
    return (hostFrame(gpa >>> X86.PAGE_SHIFT) << X86.PAGE_SHIFT) | (gpa & X86.PAGE_MASK);
  }

  boolean claimed(long gfn) {
    return owners.containsKey(gfn);
  }

  static boolean has(List<long[]> list, int pid) {
    for (long[] o : list) {
      if (o[0] == pid) {
        return true;
      }
    }
    return false;
  }

  /** {@code gfn} now holds page {@code vpn} of {@code pid}: out of the OS's reach, in the HAP's view. */
  void claim(long gfn, int pid, long vpn) {
    List<long[]> o = withhold(gfn);
    if (!has(o, pid)) {
      o.add(new long[] {pid, vpn});
    }
    Integer v = viewOf.get(pid);
    if (v != null) {
      hv.views().get(v).map(gfn, hostFrame(gfn), X86.EPT_RWX);
    }
  }

  /** A secure file's page arrives in {@code gfn}: withheld from the OS, no HAP maps it yet. */
  void claimFilePage(long gfn) {
    withhold(gfn);
    fileFrames.add(gfn);
  }

  private List<long[]> withhold(long gfn) {
    List<long[]> o = owners.computeIfAbsent(gfn, k -> new ArrayList<>(1));
    if (o.isEmpty() && !fileFrames.contains(gfn)) {
      claimed.add(1);
      hv.views().os().setPermissions(gfn, 0);
    }
    return o;
  }

  /** Scrubs a claimed frame and gives it back to the OS. */
  void release(long gfn) {
    List<long[]> o = owners.remove(gfn);
    if (o == null) {
      return;
    }
    hv.memory().zeroFrame(hostFrame(gfn));
    hv.charge(category, scrubNanos);
    for (long[] owner : o) {
      Integer v = viewOf.get((int) owner[0]);
      if (v != null) {
        hv.views().get(v).unmap(gfn);
      }
    }
    hv.views().os().setPermissions(gfn, X86.EPT_RWX);
    fileFrames.remove(gfn);
    onRelease.accept(gfn);
  }

  /** Drops the owners that no longer map {@code gfn}; releases it when none is left. True if released. */
  boolean prune(long gfn) {
    List<long[]> o = owners.get(gfn);
    if (o == null) {
      return true;
    }
    o.removeIf(owner -> !maps((int) owner[0], owner[1], gfn));
    if (o.isEmpty() && !fileFrames.contains(gfn)) {
      release(gfn);
      return true;
    }
    return false;
  }

  boolean maps(int pid, long vpn, long gfn) {
    return hv.processes().alive(pid) && frameOf(hv.processes().cr3(pid), vpn << X86.PAGE_SHIFT) == gfn;
  }

  /** The guest frame mapping {@code gva} in the tables at {@code cr3} (4 KiB or within 2 MiB), or -1. */
  long frameOf(long cr3, long gva) {
    long pd = entryAddress(cr3, gva, 2);
    long pde = pd < 0 ? 0 : load(pd);
    if ((pde & X86.PTE_P) == 0) {
      return -1;
    }
    if ((pde & X86.PTE_PS) != 0) {
      return ((pde & X86.PTE_ADDR_2M) >>> X86.PAGE_SHIFT) + ((gva >>> X86.PAGE_SHIFT) & 511);
    }
    long pte = load((pde & X86.PTE_ADDR) + 8L * X86.tableIndex(gva, 1));
    return (pte & X86.PTE_P) == 0 ? -1 : (pte & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
  }

  /**
   * The guest-physical address of the entry for {@code gva} at {@code level} (1: a page table's, 2:
   * a page directory's), or -1 when a table on the way is missing or a 2 MiB page covers it.
   */
  long entryAddress(long cr3, long gva, int level) {
    long table = cr3 & X86.PTE_ADDR;
    for (int l = 4; l > level; l--) {
      long e = load(table + 8L * X86.tableIndex(gva, l));
      if ((e & X86.PTE_P) == 0 || (l == 2 && (e & X86.PTE_PS) != 0)) {
        return -1;
      }
      table = e & X86.PTE_ADDR;
    }
    return table + 8L * X86.tableIndex(gva, level);
  }

  /** One page-table entry read by the hypervisor, charged as a walk step. */
  private long load(long gpa) {
    hv.charge(category, walkStepNanos);
    return hv.memory().load64(hostAddress(gpa));
  }

  /** Every claimed frame back to the OS (the guest is gone). */
  void releaseAll() {
    for (long gfn : new ArrayList<>(owners.keySet())) {
      release(gfn);
    }
    fileFrames.clear();
  }
}
