package org.sego.hw.x86.mmu;

import java.util.Arrays;

/**
 * A set-associative TLB as parallel {@code long[]}s, with LRU replacement within a set. Two arrays
 * of sets: one for 4 KiB pages, one for 2 MiB pages. An entry is tagged by address space (CR3),
 * EPT view and virtual page; it caches the host frame, the effective permissions, the guest frame
 * of the final page (for exact EPT invalidation) and whether the dirty bit is already set.
 */
public final class Tlb {
  static final long VALID = 1L << 63;
  // Flag bits kept in the low bits of data (a page-aligned hpa).
  static final long F_WRITE = 1;
  static final long F_USER = 2;
  static final long F_EXEC = 4;
  static final long F_DIRTY = 8;
  static final long F_PRESENT = 32;
  /** A 4 KiB entry caching part of a 2 MiB guest page (over 4 KiB EPT entries). */
  static final long F_FRACTURED = 64;

  private final int sets;
  private final int ways;
  private final Level small;
  private final Level large;
  /** Whether a 2 MiB entry was inserted since the last full flush: without one, invalidations skip the large level's scan. */
  private boolean anyLarge;
  private long clock;
  /** 4 KiB entries inserted for parts of 2 MiB guest pages (they make invalidatePage widen). */
  private long fractured;
  private long hits;
  private long misses;
  /**
   * Valid 4 KiB entries per {@code gfn & FILTER_MASK}: an EPT change of a frame no entry can
   * hold is invalidated without scanning the TLB (EPT changes are frequent under a protecting
   * strategy). Exact: it changes exactly when an entry becomes valid or invalid.
   */
  private final int[] byFrame = new int[FILTER_MASK + 1];
  private static final int FILTER_MASK = 4095;
  /** Valid 2 MiB entries per {@code (gfn >>> 9) & FILTER_MASK}, the same filter for the large level. */
  private final int[] byRegion = new int[FILTER_MASK + 1];

  public Tlb(int sets, int ways) {
    this.sets = sets;
    this.ways = ways;
    this.small = new Level(sets * ways);
    this.large = new Level(Math.max(ways, sets * ways / 8));
  }

  private static final class Level {
    final long[] tag;
    final long[] cr3;
    final long[] data;
    final long[] gfn;
    final long[] stamp;

    Level(int n) {
      tag = new long[n];
      cr3 = new long[n];
      data = new long[n];
      gfn = new long[n];
      stamp = new long[n];
    }
  }

  private static long tag(int view, long vpn) {
    return VALID | ((long) view << 40) | vpn;
  }

  private int setsOf(Level l) {
    return l.tag.length / ways;
  }

  /** The matching entry's data for the 4 KiB page {@code vpn}, or 0 on a miss. Counts nothing. */
  long lookup(long cr3, int view, long gva) {
    long d = find(small, cr3, view, gva >>> 12);
    if (d != 0) {
      return d;
    }
    return find(large, cr3, view, gva >>> 21);
  }

  private long find(Level l, long cr3, int view, long vpn) {
    int n = setsOf(l);
    int base = (int) (vpn & (n - 1)) * ways;
    long t = tag(view, vpn);
    for (int i = base; i < base + ways; i++) {
      if (l.tag[i] == t && l.cr3[i] == cr3) {
        l.stamp[i] = ++clock;
        return l.data[i] | (l == large ? LARGE : 0) | F_PRESENT;
      }
    }
    return 0;
  }

  /** Marks data returned by {@link #lookup} as coming from the 2 MiB level. */
  static final long LARGE = 1L << 4;

  /** Inserts a 4 KiB entry for part of a 2 MiB guest page mapped by 4 KiB EPT entries. */
  void insertFractured(long cr3, int view, long gva, long hpaPage, long flags, long gfn) {
    fractured++;
    insert(cr3, view, gva, false, hpaPage, flags | F_FRACTURED, gfn);
  }

  void insert(long cr3, int view, long gva, boolean largePage, long hpaPage, long flags, long gfn) {
    Level l = largePage ? large : small;
    long vpn = largePage ? gva >>> 21 : gva >>> 12;
    int n = setsOf(l);
    int base = (int) (vpn & (n - 1)) * ways;
    long t = tag(view, vpn);
    int victim = base;
    for (int i = base; i < base + ways; i++) {
      if (l.tag[i] == t && l.cr3[i] == cr3) {
        victim = i;
        break;
      }
      if (l.tag[i] == 0) {
        victim = i;
        break;
      }
      if (l.stamp[i] < l.stamp[victim]) {
        victim = i;
      }
    }
    if (l == large) {
      anyLarge = true;
      if (l.tag[victim] != 0) {
        byRegion[region(l.gfn[victim])]--;
      }
      byRegion[region(gfn)]++;
    }
    if (l == small) {
      if (l.tag[victim] != 0) {
        byFrame[(int) (l.gfn[victim] & FILTER_MASK)]--;
      }
      byFrame[(int) (gfn & FILTER_MASK)]++;
    }
    l.tag[victim] = t;
    l.cr3[victim] = cr3;
    l.data[victim] = hpaPage | flags;
    l.gfn[victim] = gfn;
    l.stamp[victim] = ++clock;
  }

  void countHit() {
    hits++;
  }

  void countMiss() {
    misses++;
  }

  public long hits() {
    return hits;
  }

  public long misses() {
    return misses;
  }

  public int sets() {
    return sets;
  }

  public int ways() {
    return ways;
  }

  /**
   * Drops the translations of one page in one address space, in every view. A 2 MiB guest page
   * may be cached as 4 KiB entries (over 4 KiB EPT entries): those of its whole region go too.
   */
  public void invalidatePage(long cr3, long gva) {
    dropMatching(small, cr3, gva >>> 12);
    dropMatching(large, cr3, gva >>> 21);
    if (fractured > 0) {
      // Only the parts of a 2 MiB guest page go with it; a 4 KiB page's entry nearby stays.
      long first = (gva >>> 21) << 9;
      for (long vpn = first; vpn < first + 512; vpn++) {
        int n = setsOf(small);
        int base = (int) (vpn & (n - 1)) * ways;
        for (int i = base; i < base + ways; i++) {
          if (small.tag[i] != 0 && small.cr3[i] == cr3 && (small.tag[i] & ((1L << 40) - 1)) == vpn
              && (small.data[i] & F_FRACTURED) != 0) {
            dropSmall(i);
          }
        }
      }
    }
  }

  /** Invalidates 4 KiB entry {@code i} (valid). */
  private void dropSmall(int i) {
    byFrame[(int) (small.gfn[i] & FILTER_MASK)]--;
    small.tag[i] = 0;
  }

  private void drop(Level l, int i) {
    if (l == small) {
      dropSmall(i);
    } else {
      dropLarge(i);
    }
  }

  /** Invalidates 2 MiB entry {@code i} (valid). */
  private void dropLarge(int i) {
    byRegion[region(large.gfn[i])]--;
    large.tag[i] = 0;
  }

  private static int region(long gfn) {
    return (int) ((gfn >>> 9) & FILTER_MASK);
  }

  private void dropMatching(Level l, long cr3, long vpn) {
    int n = setsOf(l);
    int base = (int) (vpn & (n - 1)) * ways;
    for (int i = base; i < base + ways; i++) {
      if (l.tag[i] != 0 && l.cr3[i] == cr3 && (l.tag[i] & ((1L << 40) - 1)) == vpn) {
        drop(l, i);
      }
    }
  }

  public void invalidateAddressSpace(long cr3) {
    for (Level l : new Level[] {small, large}) {
      for (int i = 0; i < l.tag.length; i++) {
        if (l.tag[i] != 0 && l.cr3[i] == cr3) {
          drop(l, i);
        }
      }
    }
  }

  /**
   * Drops every entry of view {@code view} that translated through guest frame {@code gfn}: the 4
   * KiB entries of that frame and the 2 MiB entries of its region.
   */
  public void invalidateGfn(int view, long gfn) {
    for (int i = 0; byFrame[(int) (gfn & FILTER_MASK)] > 0 && i < small.tag.length; i++) {
      if (small.tag[i] != 0 && small.gfn[i] == gfn && viewOf(small.tag[i]) == view) {
        dropSmall(i);
      }
    }
    invalidateLarge(view, gfn);
  }

  /** Drops every entry of view {@code view} in the 2 MiB region of {@code gfn} (a splintered or remapped EPT entry). */
  public void invalidateRegion(int view, long gfn) {
    long region = gfn >>> 9;
    for (int i = 0; i < small.tag.length; i++) {
      if (small.tag[i] != 0 && (small.gfn[i] >>> 9) == region && viewOf(small.tag[i]) == view) {
        dropSmall(i);
      }
    }
    invalidateLarge(view, gfn);
  }

  private void invalidateLarge(int view, long gfn) {
    if (!anyLarge || byRegion[region(gfn)] == 0) {
      return; // (no 2 MiB entry can be in this region)
    }
    long region = gfn >>> 9;
    for (int i = 0; i < large.tag.length; i++) {
      if (large.tag[i] != 0 && (large.gfn[i] >>> 9) == region && viewOf(large.tag[i]) == view) {
        dropLarge(i);
      }
    }
  }

  private static int viewOf(long tag) {
    return (int) ((tag >>> 40) & 0x7FFFFF);
  }

  public void flushAll() {
    Arrays.fill(small.tag, 0);
    Arrays.fill(large.tag, 0);
    anyLarge = false;
    Arrays.fill(byFrame, 0);
    Arrays.fill(byRegion, 0);
    fractured = 0;
  }
}
