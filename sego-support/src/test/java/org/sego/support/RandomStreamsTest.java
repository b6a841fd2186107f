package org.sego.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class RandomStreamsTest {
  @Test
  void theSamePathAndSeedGiveTheSameStreamAndOtherPathsDiffer() {
    assertEquals(RandomStreams.derive(7, "system.hv").nextLong(), RandomStreams.derive(7, "system.hv").nextLong());
    assertNotEquals(RandomStreams.derive(7, "system.hv").nextLong(), RandomStreams.derive(7, "system.guest").nextLong());
    assertNotEquals(RandomStreams.derive(7, "system.hv").nextLong(), RandomStreams.derive(8, "system.hv").nextLong());
  }

  @Test
  void chunkedArraysAllocateOnlyTouchedChunks() {
    ChunkedLongArray a = new ChunkedLongArray(4L << 20);
    assertEquals(0, a.allocatedBytes());
    a.set(3_000_000, 5);
    a.set(3_000_001, 0);
    assertEquals(5, a.get(3_000_000));
    assertEquals(4096 * 8, a.allocatedBytes());
  }

  @org.junit.jupiter.api.Test
  void fillGivesExactlyTheBytesOfNextBytes() {
    java.util.SplittableRandom lengths = new java.util.SplittableRandom(5);
    for (int c = 0; c < 300; c++) {
      int n = c < 20 ? c : c == 20 ? 4096 : lengths.nextInt(9000);
      long seed = lengths.nextLong();
      byte[] a = new byte[n];
      byte[] b = new byte[n];
      new java.util.SplittableRandom(seed).nextBytes(a);
      RandomStreams.fill(new java.util.SplittableRandom(seed), b);
      org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, "length " + n + ", seed " + seed);
    }
  }
}
