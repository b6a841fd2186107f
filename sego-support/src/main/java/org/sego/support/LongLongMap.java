package org.sego.support;

import org.sego.api.Experimental;

/**
 * A {@code long → long} hash map without boxing: open addressing, linear probing, deletion by
 * backward shift, so lookups, puts and removals allocate nothing once the table has grown to the
 * working set. A key that is absent reads as the map's {@code missing} value. Iteration order is
 * the table's, which depends only on the sequence of operations (deterministic), not on identity.
 */
@Experimental("helpers for plug-in authors")
public final class LongLongMap {
  private static final long FREE_KEY = 0;
  private final long missing;
  /** Keys; {@link #FREE_KEY} marks an empty slot (the key 0 itself is kept aside). */
  /** Key of slot {@code i} at {@code 2i}, its value at {@code 2i + 1}: a lookup touches one cache line. */
  private long[] table;
  private int mask;
  private int size;
  private boolean hasZero;
  private long zeroValue;

  /** An empty map whose absent keys read as {@code missing}. */
  public LongLongMap(long missing) {
    this.missing = missing;
    table = new long[32];
    mask = 15;
  }

  private static int hash(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public long missing() {
    return missing;
  }

  public boolean containsKey(long key) {
    if (key == FREE_KEY) {
      return hasZero;
    }
    return slot(key) >= 0;
  }

  /** The value of {@code key}, or {@link #missing()}. */
  public long get(long key) {
    if (key == FREE_KEY) {
      return hasZero ? zeroValue : missing;
    }
    int s = slot(key);
    return s < 0 ? missing : table[2 * s + 1];
  }

  private int slot(long key) {
    int i = hash(key) & mask;
    while (true) {
      long k = table[2 * i];
      if (k == key) {
        return i;
      }
      if (k == FREE_KEY) {
        return -1;
      }
      i = (i + 1) & mask;
    }
  }

  /** Sets {@code key} to {@code value}; returns the previous value or {@link #missing()}. */
  public long put(long key, long value) {
    if (key == FREE_KEY) {
      long old = hasZero ? zeroValue : missing;
      if (!hasZero) {
        hasZero = true;
        size++;
      }
      zeroValue = value;
      return old;
    }
    int i = hash(key) & mask;
    while (true) {
      long k = table[2 * i];
      if (k == key) {
        long old = table[2 * i + 1];
        table[2 * i + 1] = value;
        return old;
      }
      if (k == FREE_KEY) {
        table[2 * i] = key;
        table[2 * i + 1] = value;
        if (++size > (mask + 1) * 3 / 4) {
          grow();
        }
        return missing;
      }
      i = (i + 1) & mask;
    }
  }

  /** Adds {@code delta} to the value of {@code key} (an absent key counts as 0); returns the new value. */
  public long add(long key, long delta) {
    if (key != FREE_KEY) {
      int s = slot(key);
      if (s >= 0) {
        return table[2 * s + 1] += delta;
      }
    } else if (hasZero) {
      return zeroValue += delta;
    }
    put(key, delta);
    return delta;
  }

  /** Removes {@code key}; returns its value or {@link #missing()}. */
  public long remove(long key) {
    if (key == FREE_KEY) {
      if (!hasZero) {
        return missing;
      }
      hasZero = false;
      size--;
      return zeroValue;
    }
    int i = slot(key);
    if (i < 0) {
      return missing;
    }
    long old = table[2 * i + 1];
    size--;
    // Backward shift: move later entries of the probe run into the hole.
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      long k = table[2 * j];
      if (k == FREE_KEY) {
        break;
      }
      int home = hash(k) & mask;
      // k may move to the hole if its home is not in (hole, j] cyclically.
      boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        table[2 * hole] = k;
        table[2 * hole + 1] = table[2 * j + 1];
        hole = j;
      }
    }
    table[2 * hole] = FREE_KEY;
    table[2 * hole + 1] = 0;
    return old;
  }

  /** Empties the map; a table much larger than what it held shrinks, so clearing stays cheap. */
  public void clear() {
    if (size == 0) {
      return;
    }
    if (table.length > 128 && size < table.length / 32) {
      int n = Integer.highestOneBit(Math.max(16, size * 4));
      table = new long[2 * n];
      mask = n - 1;
    } else {
      java.util.Arrays.fill(table, 0L); // (FREE_KEY is 0)
    }
    hasZero = false;
    size = 0;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    mask = table.length / 2 - 1;
    for (int i = 0; i < old.length; i += 2) {
      long k = old[i];
      if (k != FREE_KEY) {
        int j = hash(k) & mask;
        while (table[2 * j] != FREE_KEY) {
          j = (j + 1) & mask;
        }
        table[2 * j] = k;
        table[2 * j + 1] = old[i + 1];
      }
    }
  }

  /** Calls {@code visitor} for every entry (table order: deterministic, not sorted). */
  public void forEach(ChunkedLongArray.EntryVisitor visitor) {
    if (hasZero) {
      visitor.visit(0, zeroValue);
    }
    for (int i = 0; i < table.length; i += 2) {
      if (table[i] != FREE_KEY) {
        visitor.visit(table[i], table[i + 1]);
      }
    }
  }
}
