package org.sego.hw.x86.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sego.api.hw.X86;

class FrameMemoryTest {
  @Test
  void aSixteenGibMachineHoldsOnlyWhatItsWorkloadTouches() {
    FrameMemory m = new FrameMemory(16L << 30);
    long touched = (256L << 20) >>> X86.PAGE_SHIFT;
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    SplittableRandom rnd = new SplittableRandom(3);
    long stride = m.frameCount() / touched;
    for (long i = 0; i < touched; i++) {
      m.store64((i * stride) << X86.PAGE_SHIFT, rnd.nextLong());
    }
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    assertEquals(touched, m.residentFrames());
    long grown = after - before;
    // 256 MiB of frames plus directory overhead; far from 16 GiB.
    assertTrue(grown < (400L << 20), "heap grew by " + (grown >> 20) + " MiB for 256 MiB touched");
  }

  @Test
  void untouchedFramesReadAsZerosAndCostNothing() {
    FrameMemory m = new FrameMemory(1L << 30);
    assertEquals(0, m.load64(12345 * 8L));
    assertEquals(0, m.residentFrames());
  }

  @Test
  void bytesRoundTripAcrossFrameBoundaries() {
    FrameMemory m = new FrameMemory(1L << 20);
    byte[] data = new byte[10_000];
    new SplittableRandom(1).nextBytes(data);
    m.write(4000, data, 0, data.length);
    byte[] back = new byte[data.length];
    m.read(4000, back, 0, back.length);
    assertArrayEquals(data, back);
    m.store64(X86.PAGE_SIZE - 4, 0x1122334455667788L);
    assertEquals(0x1122334455667788L, m.load64(X86.PAGE_SIZE - 4));
    assertEquals((byte) 0x88, m.load8(X86.PAGE_SIZE - 4), "little-endian");
  }

  @Test
  void zeroingCopyingAndComparingFrames() {
    FrameMemory m = new FrameMemory(1L << 20);
    m.store64(5L << 12, 42);
    m.copyFrame(5, 6);
    assertTrue(m.framesEqual(5, 6));
    m.zeroFrame(5);
    assertEquals(0, m.load64(5L << 12));
    assertEquals(42, m.load64(6L << 12));
    assertEquals(1, m.residentFrames());
  }

  @Test
  void anAddressBeyondMemoryIsRefusedNamingTheFrame() {
    FrameMemory m = new FrameMemory(1L << 20);
    var e = assertThrows(IndexOutOfBoundsException.class, () -> m.store64(1L << 20, 1));
    assertTrue(e.getMessage().contains("0x100"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void aZeroedFrameReusesItsArrayButReadsAsZerosAndStopsBeingResident() {
    FrameMemory m = new FrameMemory(1L << 20);
    byte[] ones = new byte[4096];
    java.util.Arrays.fill(ones, (byte) 1);
    m.write(0, ones, 0, 4096);
    assertEquals(1, m.residentFrames());
    m.zeroFrame(0);
    assertEquals(0, m.residentFrames());
    assertEquals(0, m.load64(0));
    // Frame 1 takes frame 0's old array from the pool: a partial write must not show its old bytes.
    m.store8(4096 + 10, (byte) 7);
    assertEquals(1, m.residentFrames());
    byte[] back = new byte[4096];
    m.read(4096, back, 0, 4096);
    byte[] expected = new byte[4096];
    expected[10] = 7;
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, back);
  }

  @org.junit.jupiter.api.Test
  void fillFrameWritesAFrameInPlaceAndAFailedFillLeavesNoOldBytes() {
    FrameMemory m = new FrameMemory(1L << 20);
    byte[] ones = new byte[4096];
    java.util.Arrays.fill(ones, (byte) 1);
    m.write(0, ones, 0, 4096);
    m.zeroFrame(0);
    m.fillFrame(2, (a, off) -> java.util.Arrays.fill(a, off, off + 4096, (byte) 9));
    assertEquals(0x0909090909090909L, m.load64(2L << 12));
    m.zeroFrame(2);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> m.fillFrame(3, (a, off) -> {
      a[off] = 1;
      throw new IllegalStateException("device failed");
    }));
    byte[] back = new byte[4096];
    m.read(3L << 12, back, 0, 4096);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[4096], back, "a reused array's old bytes never show");
  }
}
