package org.sego.guest.linuxlike.mm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sego.support.ChunkedLongArray;

/**
 * Kernel metadata per guest frame, struct-of-arrays: how many PTEs map it, its kind flags, and its
 * reverse map (which process and virtual page map it). Metadata only: the frame's bytes live in
 * guest memory.
 */
public final class FrameTable {
  public static final long ANON = 1;
  /** Head of a 2 MiB page mapped by one PD entry. */
  public static final long HUGE = 1 << 1;
  /** A page merged by page sharing. */
  public static final long KSM = 1 << 2;
  public static final long PAGETABLE = 1 << 3;
  /** Anonymous memory shared across fork (MAP_SHARED): never copy-on-write, never swapped. */
  public static final long SHARED = 1 << 4;
  /** A page-cache frame mapped into user space: owned by the cache, never freed or swapped by unmapping. */
  public static final long FILE = 1 << 5;
  /** Held a HAP's page: freed only after the hypervisor released it (when it offers release). */
  public static final long HAP = 1 << 6;

  private final ChunkedLongArray mapcount;
  private final ChunkedLongArray flags;
  private final Map<Long, List<Long>> rmap = new HashMap<>();
  private long mismatches;

  public FrameTable(long frames) {
    mapcount = new ChunkedLongArray(frames);
    flags = new ChunkedLongArray(frames);
  }

  /** A reverse-map entry: process and virtual page number packed in one long. */
  public static long owner(int pid, long vpn) {
    return ((long) pid << 40) | vpn;
  }

  public static int ownerPid(long owner) {
    return (int) (owner >>> 40);
  }

  public static long ownerVpn(long owner) {
    return owner & ((1L << 40) - 1);
  }

  public long mapcount(long gfn) {
    return mapcount.get(gfn);
  }

  public long flags(long gfn) {
    return flags.get(gfn);
  }

  public boolean has(long gfn, long flag) {
    return (flags.get(gfn) & flag) != 0;
  }

  public void setFlags(long gfn, long f) {
    flags.set(gfn, f);
  }

  public void addFlag(long gfn, long f) {
    flags.set(gfn, flags.get(gfn) | f);
  }

  public void clearFlag(long gfn, long f) {
    flags.set(gfn, flags.get(gfn) & ~f);
  }

  /** Records a new mapping of {@code gfn} by {@code pid} at {@code vpn}. */
  public void map(long gfn, int pid, long vpn) {
    mapcount.set(gfn, mapcount.get(gfn) + 1);
    rmap.computeIfAbsent(gfn, k -> new ArrayList<>(1)).add(owner(pid, vpn));
  }

  /**
   * Removes one mapping; returns the remaining count. Page tables can disagree with the reverse map
   * when something rewrote an entry behind the kernel's back (an attack does): then the record of
   * the same process is dropped instead, so teardown still frees every frame exactly once.
   */
  public long unmap(long gfn, int pid, long vpn) {
    List<Long> owners = rmap.get(gfn);
    if (owners != null && !owners.remove((Long) owner(pid, vpn))) {
      mismatches++;
      owners.removeIf(new java.util.function.Predicate<Long>() {
        private boolean removed;

        @Override
        public boolean test(Long o) {
          if (!removed && ownerPid(o) == pid) {
            removed = true;
            return true;
          }
          return false;
        }
      });
    }
    if (owners != null && owners.isEmpty()) {
      rmap.remove(gfn);
    }
    long left = Math.max(0, mapcount.get(gfn) - 1);
    mapcount.set(gfn, left);
    return left;
  }

  /** Times the page tables and the reverse map disagreed. */
  public long mismatches() {
    return mismatches;
  }

  /** Who maps {@code gfn}, in mapping order (a copy). */
  public List<Long> owners(long gfn) {
    List<Long> o = rmap.get(gfn);
    return o == null ? List.of() : new ArrayList<>(o);
  }

  /** Moves every mapping record of {@code from} to {@code to} (compaction, sharing). */
  public void moveOwners(long from, long to) {
    List<Long> o = rmap.remove(from);
    if (o != null) {
      rmap.computeIfAbsent(to, k -> new ArrayList<>(1)).addAll(o);
    }
    mapcount.set(to, mapcount.get(to) + mapcount.get(from));
    mapcount.set(from, 0);
  }

  /** Forgets a frame that returns to the allocator. */
  public void clear(long gfn) {
    mapcount.set(gfn, 0);
    flags.set(gfn, 0);
    rmap.remove(gfn);
  }
}
