package org.sego.support;

import org.sego.api.Experimental;

/**
 * A {@code long → (long, long)} hash map without boxing, for two facts kept about one key (a
 * block's owner and version, say): both sit beside the key, so reading or changing them touches one
 * cache line where two {@link LongLongMap}s would touch two. Open addressing as in {@link
 * LongLongMap}; an absent key reads as the map's {@code missing} values.
 */
@Experimental("helpers for plug-in authors")
public final class LongPairMap extends LongKeyTable {
  private final long missingFirst;
  private final long missingSecond;

  /** An empty map whose absent keys read as ({@code missingFirst}, {@code missingSecond}). */
  public LongPairMap(long missingFirst, long missingSecond) {
    super(2);
    this.missingFirst = missingFirst;
    this.missingSecond = missingSecond;
  }

  /** The first value of {@code key}, or the missing one. */
  public long first(long key) {
    int b = find(key);
    return b < 0 ? missingFirst : table[b + 1];
  }

  /** The second value of {@code key}, or the missing one. */
  public long second(long key) {
    int b = find(key);
    return b < 0 ? missingSecond : table[b + 2];
  }

  /** Sets both values of {@code key}; true if it was absent. */
  public boolean put(long key, long first, long second) {
    int b = findOrAdd(key);
    boolean added = b < 0;
    if (added) {
      b = -b - 1;
    }
    table[b + 1] = first;
    table[b + 2] = second;
    return added;
  }

  /** Removes {@code key}; true if it was there. */
  public boolean remove(long key) {
    int b = find(key);
    if (b < 0) {
      return false;
    }
    delete(b);
    return true;
  }

  /** What {@link #forEach} calls for each entry. */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(long key, long first, long second);
  }

  /** Calls {@code visitor} for every entry (table order: deterministic, not sorted). */
  public void forEach(EntryVisitor visitor) {
    forEachSlot(b -> visitor.visit(table[b], table[b + 1], table[b + 2]));
  }
}
