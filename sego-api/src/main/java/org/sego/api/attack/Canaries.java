package org.sego.api.attack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.sego.api.Experimental;

/**
 * Secret data with canaries: every 512 bytes begin with a distinct 16-byte canary derived from the
 * seed and position, followed by seeded filler. The judge finds a canary in anything the adversary
 * observed by looking at each 16-byte-aligned chunk.
 */
@Experimental("adversary operations")
public final class Canaries {
  public static final int SPACING = 512;
  public static final int LENGTH = 16;

  private final long seed;
  private final Set<Long> firstWords = new HashSet<>();

  public Canaries(long seed, long pages) {
    this.seed = seed;
    for (long p = 0; p < pages; p++) {
      for (int i = 0; i < 4096 / SPACING; i++) {
        firstWords.add(word(p * (4096 / SPACING) + i, 0));
      }
    }
  }

  private long word(long index, int which) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    long a = r.nextLong() | 1L << 62;
    long b = r.nextLong() | 1L;
    return which == 0 ? a : b;
  }

  /** Fills secret page {@code page} (4 KiB) at {@code version}: canaries every 512 bytes, filler between. */
  public void fill(byte[] buf, long page, long version) {
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    SplittableRandom filler = new SplittableRandom(seed ^ (page * 31 + version));
    for (int off = 0; off < 4096; off += 8) {
      b.putLong(off, filler.nextLong());
    }
    for (int i = 0; i < 4096 / SPACING; i++) {
      long index = page * (4096 / SPACING) + i;
      b.putLong(i * SPACING, word(index, 0));
      b.putLong(i * SPACING + 8, word(index, 1));
    }
  }

  /** Whether {@code observed} holds any canary at a 16-byte-aligned offset. */
  public boolean foundIn(byte[] observed) {
    if (observed == null) {
      return false;
    }
    ByteBuffer b = ByteBuffer.wrap(observed).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off + LENGTH <= observed.length; off += LENGTH) {
      long w = b.getLong(off);
      if (firstWords.contains(w)) {
        return true;
      }
    }
    return false;
  }
}
