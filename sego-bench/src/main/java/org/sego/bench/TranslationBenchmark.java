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
import org.sego.api.hw.EptView;
import org.sego.api.hw.X86;

/**
 * The per-access path: translating a user address on a TLB hit (no walk, no allocation, no strategy
 * call) and on a miss (a 4-level walk through the EPT), and a frame word access.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TranslationBenchmark {
  private static final int PAGES = 16_384;
  private TestMachine machine;
  private EptView os;
  private long cursor;

  @Setup
  public void setUp() {
    // 64 sets x 4 ways: 256 entries, far fewer than the 16 Ki pages the miss benchmark strides over.
    machine = new TestMachine(PAGES, 64, 4);
    os = machine.views.os();
  }

  /** The machine the benchmarks run on, for the test that checks they measure what they say. */
  TestMachine machine() {
    return machine;
  }

  @Benchmark
  public long translateTlbHit() {
    cursor = (cursor + 8) & 0xFFF;
    return machine.mmu.translate(machine.cr3, os, TestMachine.BASE + cursor, X86.ACCESS_USER);
  }

  @Benchmark
  public long translateTlbMiss() {
    // A stride of 67 pages through 16 Ki pages keeps every access outside the 256-entry TLB.
    cursor = (cursor + 67) % PAGES;
    return machine.mmu.translate(machine.cr3, os, TestMachine.BASE + (cursor << X86.PAGE_SHIFT), X86.ACCESS_USER);
  }

  @Benchmark
  public long frameLoad64() {
    cursor = (cursor + 4104) & ((1L << 26) - 1);
    return machine.memory.load64((1L << 28) + (cursor & ~7L));
  }

  @Benchmark
  public void frameStore64() {
    cursor = (cursor + 4104) & ((1L << 26) - 1);
    machine.memory.store64((1L << 28) + (cursor & ~7L), cursor);
  }
}
