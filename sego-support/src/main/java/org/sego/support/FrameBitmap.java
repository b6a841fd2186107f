package org.sego.support;

import org.sego.api.Experimental;

/**
 * A sorted set of non-negative {@code long}s below 2^31 as a bitmap: add, remove and membership are
 * O(1), the lowest, highest and next members are word scans, and nothing is boxed. What a {@code
 * TreeSet<Long>} of frame numbers does, for the dense indexes a machine has.
 */
@Experimental("helpers for plug-in authors")
public final class FrameBitmap {
  private final java.util.BitSet bits = new java.util.BitSet();
  private int size;

  private static int index(long v) {
    if (v < 0 || v > Integer.MAX_VALUE - 1) {
      throw new IndexOutOfBoundsException("value " + v + " outside 0.." + (Integer.MAX_VALUE - 1));
    }
    return (int) v;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public boolean contains(long v) {
    return v >= 0 && v < Integer.MAX_VALUE && bits.get((int) v);
  }

  public boolean add(long v) {
    int i = index(v);
    if (bits.get(i)) {
      return false;
    }
    bits.set(i);
    size++;
    return true;
  }

  public boolean remove(long v) {
    if (!contains(v)) {
      return false;
    }
    bits.clear((int) v);
    size--;
    return true;
  }

  /** The lowest member, or -1. */
  public long first() {
    return bits.nextSetBit(0);
  }

  /** The highest member, or -1. */
  public long last() {
    return bits.length() - 1;
  }

  /** The lowest member ≥ {@code v}, or -1. */
  public long ceiling(long v) {
    return v >= Integer.MAX_VALUE ? -1 : bits.nextSetBit((int) Math.max(0, v));
  }

  /** The highest member ≤ {@code v}, or -1. */
  public long floor(long v) {
    return v < 0 ? -1 : bits.previousSetBit((int) Math.min(v, Integer.MAX_VALUE - 1));
  }
}
