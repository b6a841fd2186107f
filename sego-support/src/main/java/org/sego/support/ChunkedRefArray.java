package org.sego.support;

import org.sego.api.Experimental;

/**
 * A reference per index over a huge index space (one per block of a large volume), allocated in
 * chunks of 4,096 on first write, so lookups are two array loads with no hashing and the heap grows
 * with what is touched. Unwritten entries read as null.
 */
@Experimental("helpers for plug-in authors")
public final class ChunkedRefArray<T> {
  private static final int CHUNK_SHIFT = 12;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int MASK = CHUNK - 1;

  private final long length;
  private final Object[][] chunks;

  public ChunkedRefArray(long length) {
    if (length < 0 || (length >>> CHUNK_SHIFT) >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("length " + length + " out of range");
    }
    this.length = length;
    this.chunks = new Object[(int) ((length + CHUNK - 1) >>> CHUNK_SHIFT)][];
  }

  public long length() {
    return length;
  }

  @SuppressWarnings("unchecked")
  public T get(long index) {
    Object[] c = chunks[(int) (index >>> CHUNK_SHIFT)];
    return c == null ? null : (T) c[(int) (index & MASK)];
  }

  /** Sets entry {@code index}; returns the previous value (null if none). */
  @SuppressWarnings("unchecked")
  public T set(long index, T value) {
    int ci = (int) (index >>> CHUNK_SHIFT);
    Object[] c = chunks[ci];
    if (c == null) {
      if (value == null) {
        return null;
      }
      c = new Object[CHUNK];
      chunks[ci] = c;
    }
    T old = (T) c[(int) (index & MASK)];
    c[(int) (index & MASK)] = value;
    return old;
  }
}
