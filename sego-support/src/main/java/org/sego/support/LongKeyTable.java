package org.sego.support;

/**
 * The open-addressing table under {@link LongLongMap} and {@link LongPairMap}: each slot a {@code
 * long} key and {@code values} longs beside it (a lookup touches one cache line, all of a key's
 * values included), linear probing, deletion by backward shift, so lookups, puts and removals
 * allocate nothing once the table has grown to the working set. The key 0 marks a free slot, so it
 * lives in one more slot after the others. Iteration order depends only on the sequence of
 * operations.
 */
abstract class LongKeyTable {
  private final int stride;
  /** Slot {@code i}'s key at {@code stride * i}, its values after it; key 0's slot last. */
  long[] table;
  private int mask;
  private int size;
  private boolean hasZero;

  LongKeyTable(int values) {
    stride = 1 + values;
    allocate(16);
  }

  private void allocate(int capacity) {
    table = new long[(capacity + 1) * stride];
    mask = capacity - 1;
  }

  private int zeroBase() {
    return (mask + 1) * stride;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  public final int size() {
    return size;
  }

  public final boolean isEmpty() {
    return size == 0;
  }

  public final boolean containsKey(long key) {
    return find(key) >= 0;
  }

  /** Where {@code key}'s slot starts in {@link #table}, or -1 when it is absent. */
  final int find(long key) {
    if (key == 0) {
      return hasZero ? zeroBase() : -1;
    }
    int i = hash(key) & mask;
    while (true) {
      int b = i * stride;
      long k = table[b];
      if (k == key) {
        return b;
      }
      if (k == 0) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * Where {@code key}'s slot starts; when it was absent it is added, its values 0, and the answer
   * is {@code -(start + 1)}.
   */
  final int findOrAdd(long key) {
    int b = find(key);
    if (b >= 0) {
      return b;
    }
    size++;
    if (key == 0) {
      hasZero = true;
      return -(zeroBase() + 1);
    }
    if (size > (mask + 1) * 3 / 4) {
      grow();
    }
    int i = hash(key) & mask;
    while (table[i * stride] != 0) {
      i = (i + 1) & mask;
    }
    table[i * stride] = key;
    return -(i * stride + 1);
  }

  /** Empties the slot starting at {@code b} (from {@link #find}): later entries of its probe run shift back into it. */
  final void delete(int b) {
    size--;
    if (b == zeroBase()) {
      hasZero = false;
      clearSlot(b);
      return;
    }
    int hole = b / stride;
    int j = hole;
    while (true) {
      j = (j + 1) & mask;
      long k = table[j * stride];
      if (k == 0) {
        break;
      }
      int home = hash(k) & mask;
      // k may move to the hole if its home is not in (hole, j] cyclically.
      boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        for (int f = 0, from = j * stride, to = hole * stride; f < stride; f++) { // (a loop: 2 or 3 longs, no call)
          table[to + f] = table[from + f];
        }
        hole = j;
      }
    }
    clearSlot(hole * stride);
  }

  private void clearSlot(int b) {
    for (int f = 0; f < stride; f++) {
      table[b + f] = 0;
    }
  }

  /** Empties the table; one much larger than what it held shrinks, so clearing stays cheap. */
  public final void clear() {
    if (size == 0) {
      return;
    }
    int capacity = mask + 1;
    if (capacity > 64 && size < capacity / 16) {
      allocate(Integer.highestOneBit(Math.max(16, size * 4)));
    } else {
      java.util.Arrays.fill(table, 0L); // (a free slot's key is 0)
    }
    hasZero = false;
    size = 0;
  }

  private void grow() {
    long[] old = table;
    int oldZero = zeroBase();
    allocate((mask + 1) * 2);
    for (int b = 0; b < oldZero; b += stride) {
      long k = old[b];
      if (k != 0) {
        int i = hash(k) & mask;
        while (table[i * stride] != 0) {
          i = (i + 1) & mask;
        }
        System.arraycopy(old, b, table, i * stride, stride);
      }
    }
    System.arraycopy(old, oldZero, table, zeroBase(), stride);
  }

  /** Calls {@code visitor} with the start of every slot in use (key 0's first, then table order). */
  final void forEachSlot(java.util.function.IntConsumer visitor) {
    if (hasZero) {
      visitor.accept(zeroBase());
    }
    for (int b = 0, end = zeroBase(); b < end; b += stride) {
      if (table[b] != 0) {
        visitor.accept(b);
      }
    }
  }
}
