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
}
