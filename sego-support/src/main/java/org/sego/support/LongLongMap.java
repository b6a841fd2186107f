package org.sego.support;

import org.sego.api.Experimental;

/**
 * A {@code long → long} hash map without boxing: open addressing, linear probing, deletion by
 * backward shift, so lookups, puts and removals allocate nothing once the table has grown to the
 * working set. A key that is absent reads as the map's {@code missing} value. Iteration order is
 * the table's, which depends only on the sequence of operations (deterministic), not on identity.
 */
@Experimental("helpers for plug-in authors")
public final class LongLongMap extends LongKeyTable {
  private final long missing;

  /** An empty map whose absent keys read as {@code missing}. */
  public LongLongMap(long missing) {
    super(1);
    this.missing = missing;
  }

  public long missing() {
    return missing;
  }

  /** The value of {@code key}, or {@link #missing()}. */
  public long get(long key) {
    int b = find(key);
    return b < 0 ? missing : table[b + 1];
  }

  /** Sets {@code key} to {@code value}; returns the previous value or {@link #missing()}. */
  public long put(long key, long value) {
    int b = findOrAdd(key);
    if (b < 0) {
      table[-b] = value;
      return missing;
    }
    long old = table[b + 1];
    table[b + 1] = value;
    return old;
  }

  /** Adds {@code delta} to the value of {@code key} (an absent key counts as 0); returns the new value. */
  public long add(long key, long delta) {
    int b = findOrAdd(key);
    return b < 0 ? (table[-b] = delta) : (table[b + 1] += delta);
  }

  /** Removes {@code key}; returns its value or {@link #missing()}. */
  public long remove(long key) {
    int b = find(key);
    if (b < 0) {
      return missing;
    }
    long old = table[b + 1];
    delete(b);
    return old;
  }

  /** Calls {@code visitor} for every entry (table order: deterministic, not sorted). */
  public void forEach(ChunkedLongArray.EntryVisitor visitor) {
    forEachSlot(b -> visitor.visit(table[b], table[b + 1]));
  }
}
