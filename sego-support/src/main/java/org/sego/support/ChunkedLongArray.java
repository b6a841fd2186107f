package org.sego.support;

import org.sego.api.Experimental;

/**
 * A {@code long} per index over a huge index space (one per frame of a 16 GiB machine), allocated
 * in chunks on first write so heap grows with what is touched. Unwritten entries read as 0.
 */
@Experimental("helpers for plug-in authors")
public final class ChunkedLongArray {
  private static final int CHUNK_SHIFT = 12;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int MASK = CHUNK - 1;

  private final long length;
  private final long[][] chunks;
  private int allocatedChunks;

  public ChunkedLongArray(long length) {
    if (length < 0 || (length >>> CHUNK_SHIFT) >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("length " + length + " out of range");
    }
    this.length = length;
    this.chunks = new long[(int) ((length + CHUNK - 1) >>> CHUNK_SHIFT)][];
  }

  public long length() {
    return length;
  }

  public long get(long index) {
    long[] c = chunks[(int) (index >>> CHUNK_SHIFT)];
    return c == null ? 0L : c[(int) (index & MASK)];
  }

  public void set(long index, long value) {
    int ci = (int) (index >>> CHUNK_SHIFT);
    long[] c = chunks[ci];
    if (c == null) {
      if (value == 0) {
        return;
      }
      c = new long[CHUNK];
      chunks[ci] = c;
      allocatedChunks++;
    }
    c[(int) (index & MASK)] = value;
  }

  /** Heap bytes held by allocated chunks. */
  public long allocatedBytes() {
    return (long) allocatedChunks * CHUNK * Long.BYTES;
  }

  /** Calls {@code visitor} for every non-zero entry in index order. */
  public void forEachNonZero(EntryVisitor visitor) {
    for (int ci = 0; ci < chunks.length; ci++) {
      long[] c = chunks[ci];
      if (c == null) {
        continue;
      }
      for (int i = 0; i < CHUNK; i++) {
        if (c[i] != 0) {
          visitor.visit(((long) ci << CHUNK_SHIFT) | i, c[i]);
        }
      }
    }
  }

  /** Receives one entry. */
  @FunctionalInterface
  public interface EntryVisitor {
    void visit(long index, long value);
  }
}
