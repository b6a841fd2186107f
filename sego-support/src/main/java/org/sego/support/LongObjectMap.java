package org.sego.support;

import org.sego.api.Experimental;

/**
 * A {@code long → V} hash map without boxing the keys: open addressing, linear probing, deletion
 * by backward shift, so lookups, puts and removals allocate nothing once the table has grown.
 * Values may not be null (null reads as absent).
 */
@Experimental("helpers for plug-in authors")
public final class LongObjectMap<V> {
  private final LongLongMap index = new LongLongMap(-1);
  private Object[] values = new Object[16];
  /** Free value slots, reused before the array grows. */
  private int[] freeSlots = new int[16];
  private int freeCount;
  private int used;

  public int size() {
    return index.size();
  }

  public boolean isEmpty() {
    return index.isEmpty();
  }

  public boolean containsKey(long key) {
    return index.containsKey(key);
  }

  @SuppressWarnings("unchecked")
  public V get(long key) {
    long s = index.get(key);
    return s < 0 ? null : (V) values[(int) s];
  }

  /** Sets {@code key} to {@code value} (not null); returns the previous value or null. */
  @SuppressWarnings("unchecked")
  public V put(long key, V value) {
    if (value == null) {
      throw new NullPointerException("value");
    }
    long s = index.get(key);
    if (s >= 0) {
      V old = (V) values[(int) s];
      values[(int) s] = value;
      return old;
    }
    int slot;
    if (freeCount > 0) {
      slot = freeSlots[--freeCount];
    } else {
      if (used == values.length) {
        values = java.util.Arrays.copyOf(values, used * 2);
      }
      slot = used++;
    }
    values[slot] = value;
    index.put(key, slot);
    return null;
  }

  /** Removes {@code key}; returns its value or null. */
  @SuppressWarnings("unchecked")
  public V remove(long key) {
    long s = index.remove(key);
    if (s < 0) {
      return null;
    }
    V old = (V) values[(int) s];
    values[(int) s] = null;
    if (freeCount == freeSlots.length) {
      freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
    }
    freeSlots[freeCount++] = (int) s;
    return old;
  }

  public void clear() {
    if (index.isEmpty()) {
      return;
    }
    index.clear();
    java.util.Arrays.fill(values, 0, used, null);
    used = 0;
    freeCount = 0;
  }

  /** Receives one entry. */
  @FunctionalInterface
  public interface Visitor<V> {
    void visit(long key, V value);
  }

  /** Calls {@code visitor} for every entry (table order: deterministic, not sorted). */
  @SuppressWarnings("unchecked")
  public void forEach(Visitor<? super V> visitor) {
    index.forEach((k, s) -> visitor.visit(k, (V) values[(int) s]));
  }
}
