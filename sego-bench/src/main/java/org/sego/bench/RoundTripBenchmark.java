package org.sego.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Program;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * The simulator's page round trip under {@code none}, beside its raw anchor in the same run: a
 * process cycles through a working set twice its memory limit, writing each page, so every access
 * is a page fault, a swap-in and the swap-out of a dirty page (sharing, compaction and 2 MiB pages
 * off). One invocation is a whole run of {@link #ROUNDS} accesses; composing, booting and the first
 * pass over the pages are amortized over them. {@link SteadyRoundTripBenchmark} measures the same
 * access in one long-running system instead (the steady state). The anchor is {@link
 * MemoryBenchmark#copy4kHot}, in the same JMH run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
// A fixed heap: with the default one, resizing and full collections between whole runs make the
// round trip vary from 5 to 80 µs per iteration.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RoundTripBenchmark {
  static final int ROUNDS = 100_000;
  static final int PAGES = 4096;

  static SegoSystem system() {
    return SegoSystem.builder().memory("64 MiB").seed(1).device("swap", "nvme", Map.of("size", "64 MiB"))
        .guest("linuxlike", Map.of("memory-limit", "8 MiB", "swap-device", "swap", "thp", false, "sharing", "off",
            "compaction", "off"))
        .build();
  }

  /** Writes every page once, then {@code rounds} accesses cycling through them, each rewriting 8 bytes. */
  static Program cycle(int rounds) {
    return u -> {
      long base = u.syscalls().mmap(0, (long) PAGES << 12, Mman.PROT_READ | Mman.PROT_WRITE,
          Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      for (int p = 0; p < PAGES; p++) {
        u.store64(base + ((long) p << 12), p);
      }
      for (int r = 0; r < rounds; r++) {
        long a = base + ((long) (r % PAGES) << 12);
        u.store64(a, u.load64(a) + 1);
      }
      u.syscalls().exit(0);
    };
  }

  /** One access: fault, swap-in, swap-out of a dirty page. */
  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public long faultSwapInSwapOut() {
    return run(ROUNDS);
  }

  private static long run(int rounds) {
    try (SystemRun run = system().start()) {
      run.bootGuest();
      run.start(cycle(rounds));
      run.run();
      return run.stats().value("system.guest.swap.ins");
    }
  }
}
