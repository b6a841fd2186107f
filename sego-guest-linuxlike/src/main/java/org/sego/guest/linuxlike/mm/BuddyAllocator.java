package org.sego.guest.linuxlike.mm;

import org.sego.support.ChunkedLongArray;
import org.sego.support.FrameBitmap;

/**
 * A binary buddy allocator over guest frames {@code [first, end)}, orders 0 (4 KiB) to 9 (2 MiB).
 * Free blocks are kept per order in address order, so allocation is deterministic and prefers low
 * addresses; freeing coalesces with the buddy whenever it is free at the same order. Each order's
 * free list is a bitmap of aligned block numbers ({@code frame >>> order}): nothing boxed, and
 * the lowest or highest free block is a word scan.
 */
public final class BuddyAllocator {
  public static final int MAX_ORDER = 9;

  private final long first;
  private final long end;
  /** Per order, the free blocks' head frames {@code >>> order}. */
  private final FrameBitmap[] free = new FrameBitmap[MAX_ORDER + 1];
  /** For the head frame of each free block: its order + 1 (0: not a free head). */
  private final ChunkedLongArray freeHead;
  private long freeFrames;
  /** 2 MiB pageblocks that have held an unmovable frame. */
  private final java.util.BitSet unmovableBlock = new java.util.BitSet();

  public BuddyAllocator(long first, long end) {
    this.first = first;
    this.end = end;
    for (int o = 0; o <= MAX_ORDER; o++) {
      free[o] = new FrameBitmap();
    }
    freeHead = new ChunkedLongArray(end);
    long f = first;
    while (f < end) {
      int order = MAX_ORDER;
      while (order > 0 && ((f & ((1L << order) - 1)) != 0 || f + (1L << order) > end)) {
        order--;
      }
      addFree(f, order);
      f += 1L << order;
    }
  }

  public long first() {
    return first;
  }

  public long end() {
    return end;
  }

  public long freeFrames() {
    return freeFrames;
  }

  public long totalFrames() {
    return end - first;
  }

  private void addFree(long f, int order) {
    free[order].add(f >>> order);
    freeHead.set(f, order + 1);
    freeFrames += 1L << order;
  }

  private void removeFree(long f, int order) {
    free[order].remove(f >>> order);
    freeHead.set(f, 0);
    freeFrames -= 1L << order;
  }

  /** Whether a block of {@code order} could be allocated now. */
  public boolean canAllocate(int order) {
    for (int o = order; o <= MAX_ORDER; o++) {
      if (!free[o].isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Allocates 2^order contiguous, aligned frames for movable (user) memory: the smallest sufficient
   * free block at the lowest address, avoiding 2 MiB pageblocks that hold unmovable frames while
   * any other block will do. Returns the first frame, or -1.
   */
  public long allocate(int order) {
    for (int o = order; o <= MAX_ORDER; o++) {
      for (long b = free[o].first(); b >= 0; b = free[o].ceiling(b + 1)) {
        long f = b << o;
        if (!unmovableBlock.get((int) (f >>> MAX_ORDER))) {
          return split(f, o, order, false);
        }
      }
    }
    for (int o = order; o <= MAX_ORDER; o++) {
      if (!free[o].isEmpty()) {
        return split(free[o].first() << o, o, order, false);
      }
    }
    return -1;
  }

  /**
   * Allocates for unmovable memory (page tables): inside pageblocks that already hold unmovable
   * frames if possible, else the highest free block, whose pageblock then becomes unmovable. This
   * keeps unmovable frames from pinning every 2 MiB range that compaction could otherwise empty
   * (what Linux's migrate types achieve).
   */
  public long allocateUnmovable(int order) {
    long best = -1;
    int bestOrder = -1;
    for (int o = order; o <= MAX_ORDER; o++) {
      for (long b = free[o].last(); b >= 0; b = free[o].floor(b - 1)) {
        long f = b << o;
        if (unmovableBlock.get((int) (f >>> MAX_ORDER))) {
          if (f > best) {
            best = f;
            bestOrder = o;
          }
          break;
        }
      }
    }
    if (best < 0) {
      for (int o = order; o <= MAX_ORDER; o++) {
        if (!free[o].isEmpty() && free[o].last() << o > best) {
          best = free[o].last() << o;
          bestOrder = o;
        }
      }
    }
    if (best < 0) {
      return -1;
    }
    long f = split(best, bestOrder, order, true);
    unmovableBlock.set((int) (f >>> MAX_ORDER));
    return f;
  }

  /** Takes block {@code f} of order {@code o} and splits it down to {@code order}, keeping the low or high part. */
  private long split(long f, int o, int order, boolean high) {
    removeFree(f, o);
    while (o > order) {
      o--;
      if (high) {
        addFree(f, o);
        f += 1L << o;
      } else {
        addFree(f + (1L << o), o);
      }
    }
    return f;
  }

  /** Frees the block of {@code order} at {@code f}, coalescing with free buddies. */
  public void free(long f, int order) {
    if (f < first || f + (1L << order) > end || (f & ((1L << order) - 1)) != 0) {
      throw new IllegalArgumentException("free of a block outside the allocator or misaligned: gfn " + f + " order " + order);
    }
    if (isFree(f)) {
      throw new IllegalStateException("double free of gfn " + f);
    }
    while (order < MAX_ORDER) {
      long buddy = f ^ (1L << order);
      if (buddy < first || buddy + (1L << order) > end || freeHead.get(buddy) != order + 1) {
        break;
      }
      removeFree(buddy, order);
      f = Math.min(f, buddy);
      order++;
    }
    addFree(f, order);
  }

  /** Whether frame {@code f} is inside some free block. */
  public boolean isFree(long f) {
    for (int o = 0; o <= MAX_ORDER; o++) {
      long head = f & ~((1L << o) - 1);
      if (head >= first && freeHead.get(head) == o + 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes the free frame {@code f} out of the free lists (splitting its block), for compaction that
   * gathers one 2 MiB range. Returns false if {@code f} is not free.
   */
  public boolean take(long f) {
    for (int o = 0; o <= MAX_ORDER; o++) {
      long head = f & ~((1L << o) - 1);
      if (head >= first && freeHead.get(head) == o + 1) {
        removeFree(head, o);
        // Give back the halves that do not hold f.
        while (o > 0) {
          o--;
          long half = head + (1L << o);
          if (f >= half) {
            addFree(head, o);
            head = half;
          } else {
            addFree(half, o);
          }
        }
        return true;
      }
    }
    return false;
  }

  /** Free frames in blocks of at least {@code order}. */
  public long freeBlocksOfOrder(int order) {
    return free[order].size();
  }
}
