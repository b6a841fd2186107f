package org.sego.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sego.api.hw.X86;
import org.sego.api.hw.PhysicalMemory;

/**
 * The raw anchors, a 4 KiB copy between two hot arrays and one spread over 16 MiB (beyond the
 * caches), beside the simulated machine's 4 KiB frame read, write and zeroing (its {@code PhysicalMemory}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryBenchmark {
  /** 16 MiB of 4 KiB arrays for the spread copy. */
  static final int SPREAD = 4096;
  /** The frames the benchmarks use (above the test machine's page tables and mapped pages). */
  private static final long FRAME = 1L << 29;
  private final byte[] src = new byte[X86.PAGE_SIZE];
  private final byte[] dst = new byte[X86.PAGE_SIZE];
  private byte[][] spread;
  private int cursor;
  private PhysicalMemory memory;

  @Setup
  public void setUp() {
    java.util.Arrays.fill(src, (byte) 7);
    spread = new byte[SPREAD][X86.PAGE_SIZE];
    memory = new TestMachine(1, 64, 4).memory;
    memory.write(FRAME, src, 0, src.length);
  }

  /** The raw anchor: a 4 KiB copy between two hot arrays. */
  @Benchmark
  public byte[] copy4kHot() {
    System.arraycopy(src, 0, dst, 0, src.length);
    return dst;
  }

  /** A 4 KiB copy between arrays chosen across 16 MiB, so source and target come from memory. */
  @Benchmark
  public byte[] copy4kSpread() {
    // Two walks with odd strides through the 4096 arrays: every source and target differs from the last ones.
    cursor = (cursor + 1) & (SPREAD - 1);
    byte[] from = spread[(cursor * 1031) & (SPREAD - 1)];
    byte[] to = spread[(cursor * 2053 + 17) & (SPREAD - 1)];
    System.arraycopy(from, 0, to, 0, X86.PAGE_SIZE);
    return to;
  }

  /** Reads a (hot) 4 KiB frame of the simulated memory into an array. */
  @Benchmark
  public byte[] frameRead4k() {
    memory.read(FRAME, dst, 0, X86.PAGE_SIZE);
    return dst;
  }

  /** Writes an array over a (hot) 4 KiB frame of the simulated memory. */
  @Benchmark
  public PhysicalMemory frameWrite4k() {
    memory.write(FRAME, src, 0, X86.PAGE_SIZE);
    return memory;
  }

  /**
   * Zeroes a written frame, then writes one word to it: the frame takes an array back from the pool
   * and fills it with zeros, so one operation is a zeroing of 4 KiB and two calls.
   */
  @Benchmark
  public PhysicalMemory frameZeroAndTouch() {
    memory.zeroFrame((FRAME >>> X86.PAGE_SHIFT) + 1);
    memory.store64(FRAME + X86.PAGE_SIZE, 1);
    return memory;
  }
}
