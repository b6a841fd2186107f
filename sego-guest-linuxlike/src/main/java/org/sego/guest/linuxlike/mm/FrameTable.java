package org.sego.guest.linuxlike.mm;

import org.sego.support.ChunkedLongArray;
import org.sego.support.LongObjectMap;

/**
 * Kernel metadata per guest frame, struct-of-arrays: how many PTEs map it, its kind flags, and its
 * reverse map (which process and virtual page map it). Metadata only: the frame's bytes live in
 * guest memory. The reverse map keeps a frame's first owner in an array and only the owners of a
 * frame mapped more than once (fork, sharing) in a map, so the fault and reclaim paths box nothing.
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
  /** The first owner + 1 per frame (0: none). */
  private final ChunkedLongArray firstOwner;
  /** For a frame with more owners: {@code [count, owner2, owner3, ...]}, in mapping order. */
  private final LongObjectMap<long[]> moreOwners = new LongObjectMap<>();
  private long mismatches;

  public FrameTable(long frames) {
    mapcount = new ChunkedLongArray(frames);
    flags = new ChunkedLongArray(frames);
    firstOwner = new ChunkedLongArray(frames);
  }

  /** Frames the table covers. */
  public long length() {
    return flags.length();
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
    addOwner(gfn, owner(pid, vpn));
  }

  private void addOwner(long gfn, long owner) {
    if (firstOwner.get(gfn) == 0) {
      firstOwner.set(gfn, owner + 1);
      return;
    }
    long[] more = moreOwners.get(gfn);
    if (more == null) {
      more = new long[4];
      moreOwners.put(gfn, more);
    } else if (more[0] + 1 == more.length) {
      more = java.util.Arrays.copyOf(more, more.length * 2);
      moreOwners.put(gfn, more);
    }
    more[(int) ++more[0]] = owner;
  }

  /** How many reverse-map records {@code gfn} has. */
  public int ownerCount(long gfn) {
    if (firstOwner.get(gfn) == 0) {
      return 0;
    }
    long[] more = moreOwners.get(gfn);
    return 1 + (more == null ? 0 : (int) more[0]);
  }

  /** The {@code i}-th owner of {@code gfn} in mapping order. */
  public long owner(long gfn, int i) {
    if (i < 0 || i >= ownerCount(gfn)) {
      throw new IndexOutOfBoundsException("frame " + gfn + " has " + ownerCount(gfn) + " owners, not " + (i + 1));
    }
    return i == 0 ? firstOwner.get(gfn) - 1 : moreOwners.get(gfn)[i];
  }

  /** The first owner of {@code gfn} (it must be mapped). */
  public long firstOwner(long gfn) {
    return owner(gfn, 0);
  }

  /** Removes the {@code i}-th owner, keeping the others' order. */
  private void removeOwnerAt(long gfn, int i) {
    long[] more = moreOwners.get(gfn);
    int n = more == null ? 0 : (int) more[0];
    if (i == 0) {
      if (n == 0) {
        firstOwner.set(gfn, 0);
        return;
      }
      firstOwner.set(gfn, more[1] + 1);
      i = 1;
    }
    System.arraycopy(more, i + 1, more, i, n - i);
    more[0] = --n;
    if (n == 0) {
      moreOwners.remove(gfn);
    }
  }

  /**
   * Removes one mapping; returns the remaining count. Page tables can disagree with the reverse map
   * when something rewrote an entry behind the kernel's back (an attack does): then the record of
   * the same process is dropped instead, so teardown still frees every frame exactly once.
   */
  public long unmap(long gfn, int pid, long vpn) {
    int n = ownerCount(gfn);
    if (n > 0) {
      long wanted = owner(pid, vpn);
      int at = -1;
      for (int i = 0; i < n && at < 0; i++) {
        if (owner(gfn, i) == wanted) {
          at = i;
        }
      }
      if (at < 0) {
        mismatches++;
        for (int i = 0; i < n && at < 0; i++) {
          if (ownerPid(owner(gfn, i)) == pid) {
            at = i;
          }
        }
      }
      if (at >= 0) {
        removeOwnerAt(gfn, at);
      }
    }
    long left = Math.max(0, mapcount.get(gfn) - 1);
    mapcount.set(gfn, left);
    return left;
  }

  /** Times the page tables and the reverse map disagreed. */
  public long mismatches() {
    return mismatches;
  }

  /** Moves every mapping record of {@code from} to {@code to} (compaction, sharing). */
  public void moveOwners(long from, long to) {
    int n = ownerCount(from);
    for (int i = 0; i < n; i++) {
      addOwner(to, owner(from, i));
    }
    firstOwner.set(from, 0);
    moreOwners.remove(from);
    mapcount.set(to, mapcount.get(to) + mapcount.get(from));
    mapcount.set(from, 0);
  }

  /** Forgets a frame that returns to the allocator. */
  public void clear(long gfn) {
    mapcount.set(gfn, 0);
    flags.set(gfn, 0);
    firstOwner.set(gfn, 0);
    moreOwners.remove(gfn);
  }
}
