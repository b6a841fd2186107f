package org.sego.support;

import org.sego.api.Experimental;

/**
 * A map from {@code long} keys that come in runs (the pages of an address space, the blocks of a
 * device: an id in the high bits, an index in the low ones) to one or two {@code long}s, without
 * boxing. Keys that differ only in their low 6 bits share a chunk of 64 entries, found through a
 * small hash map of chunks (the last two remembered), so a pass over consecutive keys reads
 * consecutive memory: where a hash map costs a cache miss per key, this costs one per 4 or 8 keys.
 * (Small chunks bound what scattered keys cost: at most 1 KiB per key at width 2.)
 * A chunk is allocated on its first key and dropped with its last (a few dropped chunks are kept
 * for reuse, so a working set moving through a range allocates nothing). A key is present when its first
 * value is not 0 (callers that store 0 offset it); an absent key reads as zeros. Iteration order
 * depends only on the sequence of operations.
 */
@Experimental("helpers for plug-in authors")
public final class RunLongMap {
  private static final int SHIFT = 6;
  private static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;
  private final int width;
  /** Chunk id ({@code key >>> 6}) to its entries ({@code width} longs each), then its count of keys. */
  private final LongObjectMap<long[]> chunks = new LongObjectMap<>();
  private long lastId = -1;
  private long[] last;
  private long otherId = -1;
  private long[] other;
  private int size;
  /** Empty chunks kept for reuse (all zeros). */
  private final long[][] spares = new long[4][];
  private int spareCount;

  /** A map holding {@code width} (1 or 2) values per key. */
  public RunLongMap(int width) {
    if (width != 1 && width != 2) {
      throw new IllegalArgumentException("width " + width + ": 1 or 2");
    }
    this.width = width;
  }

  private long[] chunk(long id) {
    if (id == lastId) {
      return last;
    }
    long[] c;
    if (id == otherId) {
      c = other;
    } else {
      c = chunks.get(id);
      if (c == null) {
        return null;
      }
    }
    otherId = lastId;
    other = last;
    lastId = id;
    last = c;
    return c;
  }

  private int at(long key) {
    return (int) (key & MASK) * width;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public boolean containsKey(long key) {
    return first(key) != 0;
  }

  /** The first value of {@code key}; 0 when absent. */
  public long first(long key) {
    long[] c = chunk(key >>> SHIFT);
    return c == null ? 0 : c[at(key)];
  }

  /** The second value of {@code key}; 0 when absent. Only for a map of width 2. */
  public long second(long key) {
    if (width != 2) {
      throw new IllegalStateException("a map of width 1 holds one value per key");
    }
    long[] c = chunk(key >>> SHIFT);
    return c == null ? 0 : c[at(key) + 1];
  }

  /** Sets {@code key}'s value ({@code first} not 0); true if the key was absent. */
  public boolean put(long key, long first) {
    return put(key, first, 0);
  }

  /** Sets both values of {@code key} ({@code first} not 0; {@code second} ignored at width 1); true if it was absent. */
  public boolean put(long key, long first, long second) {
    if (first == 0) {
      throw new IllegalArgumentException("a present key's first value is not 0 (key " + key + ")");
    }
    long id = key >>> SHIFT;
    long[] c = chunk(id);
    if (c == null) {
      if (spareCount > 0) {
        c = spares[--spareCount];
        spares[spareCount] = null;
      } else {
        c = new long[CHUNK * width + 1];
      }
      chunks.put(id, c);
      chunk(id);
    }
    int i = at(key);
    boolean added = c[i] == 0;
    c[i] = first;
    if (width == 2) {
      c[i + 1] = second;
    }
    if (added) {
      c[CHUNK * width]++;
      size++;
    }
    return added;
  }

  /** Removes {@code key}; true if it was there. */
  public boolean remove(long key) {
    long id = key >>> SHIFT;
    long[] c = chunk(id);
    int i = at(key);
    if (c == null || c[i] == 0) {
      return false;
    }
    c[i] = 0;
    if (width == 2) {
      c[i + 1] = 0;
    }
    size--;
    if (--c[CHUNK * width] == 0) {
      chunks.remove(id);
      forgetChunks();
      if (spareCount < spares.length) {
        spares[spareCount++] = c; // (every entry is 0 again, and its count)
      }
    }
    return true;
  }

  private void forgetChunks() {
    lastId = -1;
    last = null;
    otherId = -1;
    other = null;
  }

  public void clear() {
    chunks.clear();
    java.util.Arrays.fill(spares, null);
    spareCount = 0;
    forgetChunks();
    size = 0;
  }

  /** Heap bytes of the allocated chunks (those kept for reuse included). */
  public long allocatedBytes() {
    return (long) (chunks.size() + spareCount) * (CHUNK * width + 1) * Long.BYTES;
  }

  /** What {@link #forEach} calls for each key. */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(long key, long first, long second);
  }

  /** Calls {@code visitor} for every key: chunk by chunk (table order), each in key order. */
  public void forEach(EntryVisitor visitor) {
    chunks.forEach((id, c) -> {
      for (int k = 0; k < CHUNK; k++) {
        long f = c[k * width];
        if (f != 0) {
          visitor.visit(id << SHIFT | k, f, width == 2 ? c[k * width + 1] : 0);
        }
      }
    });
  }
}
