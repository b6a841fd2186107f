package org.sego.support;

import org.sego.api.Experimental;

/**
 * An insertion-ordered set of indexes in {@code [0, capacity)} (frame numbers, slots), kept as an
 * intrusive doubly linked list in {@link ChunkedLongArray}s: add, remove, membership and taking the
 * oldest are O(1) and allocate nothing but the chunks of indexes first touched. Like {@code
 * LinkedHashSet}, adding a member again leaves it where it is.
 */
@Experimental("helpers for plug-in authors")
public final class DenseLinkedSet {
  private static final long NONE = -1;
  /** next + 1 and prev + 1 per index (0: none); {@code member} marks membership. */
  private final ChunkedLongArray next;
  private final ChunkedLongArray prev;
  private final java.util.BitSet member = new java.util.BitSet();
  private final long capacity;
  private long head = NONE;
  private long tail = NONE;
  private int size;

  public DenseLinkedSet(long capacity) {
    if (capacity > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("capacity " + capacity + " above " + Integer.MAX_VALUE);
    }
    this.capacity = capacity;
    next = new ChunkedLongArray(capacity);
    prev = new ChunkedLongArray(capacity);
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public boolean contains(long i) {
    return i >= 0 && i < capacity && member.get((int) i);
  }

  /** Appends {@code i} unless it is a member; returns whether it was added. */
  public boolean add(long i) {
    if (i < 0 || i >= capacity) {
      throw new IndexOutOfBoundsException("index " + i + " outside 0.." + (capacity - 1));
    }
    if (member.get((int) i)) {
      return false;
    }
    member.set((int) i);
    prev.set(i, tail + 1);
    next.set(i, 0);
    if (tail == NONE) {
      head = i;
    } else {
      next.set(tail, i + 1);
    }
    tail = i;
    size++;
    return true;
  }

  /** Removes {@code i}; returns whether it was a member. */
  public boolean remove(long i) {
    if (!contains(i)) {
      return false;
    }
    member.clear((int) i);
    long p = prev.get(i) - 1;
    long n = next.get(i) - 1;
    if (p == NONE) {
      head = n;
    } else {
      next.set(p, n + 1);
    }
    if (n == NONE) {
      tail = p;
    } else {
      prev.set(n, p + 1);
    }
    prev.set(i, 0);
    next.set(i, 0);
    size--;
    return true;
  }

  /** The oldest member, or -1. */
  public long first() {
    return head;
  }

  /** The member after {@code i} in insertion order, or -1 ({@code i} must be a member). */
  public long next(long i) {
    return next.get(i) - 1;
  }

  /** Removes and returns the oldest member, or -1 if empty. */
  public long pollFirst() {
    long h = head;
    if (h != NONE) {
      remove(h);
    }
    return h;
  }
}
