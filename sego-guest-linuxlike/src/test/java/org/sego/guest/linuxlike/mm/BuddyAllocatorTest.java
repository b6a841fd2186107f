package org.sego.guest.linuxlike.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.support.SeededCases;

class BuddyAllocatorTest {
  static LongStream seeds() {
    return SeededCases.seeds(0xB0DD_1L, 150);
  }

  /** Random allocations and frees never overlap, stay aligned, and coalesce back to the start. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void blocksNeverOverlapAndEverythingCoalescesBack(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long first = 256;
    long end = 256 + 4096 + r.nextInt(3000);
    BuddyAllocator b = new BuddyAllocator(first, end);
    long total = b.freeFrames();
    BitSet used = new BitSet();
    List<long[]> held = new ArrayList<>();
    for (int step = 0; step < 2000; step++) {
      if (held.isEmpty() || r.nextInt(3) != 0) {
        int order = r.nextInt(10) < 8 ? 0 : r.nextInt(10);
        long f = r.nextBoolean() ? b.allocate(order) : b.allocateUnmovable(order);
        if (f < 0) {
          continue;
        }
        assertEquals(0, f & ((1L << order) - 1), "seed " + seed + ": aligned");
        for (long i = f; i < f + (1L << order); i++) {
          assertFalse(used.get((int) i), "seed " + seed + ": frame " + i + " handed out twice");
          assertTrue(i >= first && i < end);
          used.set((int) i);
        }
        held.add(new long[] {f, order});
      } else {
        long[] h = held.remove(r.nextInt(held.size()));
        b.free(h[0], (int) h[1]);
        used.clear((int) h[0], (int) (h[0] + (1L << h[1])));
      }
      assertEquals(total - used.cardinality(), b.freeFrames(), "seed " + seed + ": free count");
    }
    for (long[] h : held) {
      b.free(h[0], (int) h[1]);
    }
    assertEquals(total, b.freeFrames());
    assertTrue(b.canAllocate(BuddyAllocator.MAX_ORDER));
  }

  @Test
  void takingAFreeFrameSplitsItsBlockAndADoubleFreeIsCaught() {
    BuddyAllocator b = new BuddyAllocator(512, 1024);
    assertTrue(b.take(700));
    assertFalse(b.isFree(700));
    assertTrue(b.isFree(701));
    assertEquals(511, b.freeFrames());
    assertFalse(b.take(700));
    b.free(700, 0);
    assertEquals(1, b.freeBlocksOfOrder(9));
    assertThrows(IllegalStateException.class, () -> b.free(600, 0));
  }

  @Test
  void unmovableFramesComeFromTheTop() {
    BuddyAllocator b = new BuddyAllocator(0, 4096);
    assertEquals(4095, b.allocateUnmovable(0));
    assertEquals(0, b.allocate(0));
    assertEquals(4094, b.allocateUnmovable(0));
  }
}
