package org.sego.support;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.sego.api.Experimental;

/**
 * Independent random streams derived from one run seed by component path, so adding a component
 * never shifts another's numbers. Never {@code SecureRandom} inside a simulation.
 */
@Experimental("helpers for plug-in authors")
public final class RandomStreams {
  private RandomStreams() {}

  /** A stream for {@code path} under {@code seed}: the same inputs give the same numbers. */
  public static SplittableRandom derive(long seed, String path) {
    return new SplittableRandom(mix(seed, path));
  }

  /** The 64-bit seed for {@code path} under {@code seed} (FNV-1a over the path, then SplitMix64). */
  public static long mix(long seed, String path) {
    long h = 0xcbf29ce484222325L;
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    return splitMix64(seed ^ splitMix64(h));
  }

  static long splitMix64(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Fills {@code bytes} from {@code random} exactly as {@code random.nextBytes(bytes)} does (each
   * {@code nextLong} gives 8 bytes, low byte first; a tail takes the low bytes of one more), but 8
   * bytes per store instead of one: the same bytes, about twice as fast for a 4 KiB page.
   */
  public static void fill(SplittableRandom random, byte[] bytes) {
    int i = 0;
    for (int end = bytes.length & ~7; i < end; i += 8) {
      LONGS.set(bytes, i, random.nextLong());
    }
    if (i < bytes.length) {
      for (long rnd = random.nextLong(); i < bytes.length; rnd >>>= Byte.SIZE) {
        bytes[i++] = (byte) rnd;
      }
    }
  }
}
