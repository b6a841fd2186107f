package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.posix.Mman;
import org.sego.api.sim.UserContext;
import org.sego.support.SeededCases;

/**
 * Swap round trips under memory pressure preserve every byte: a working set 2 to 4 times the memory
 * limit, written and then read and rewritten at seeded random pages, each page checked whole.
 */
class MemoryPressureTest {
  static LongStream seeds() {
    return SeededCases.seeds(0x5A_A9_0001L, 4);
  }

  static void fill(byte[] page, long seed, long index, long version) {
    SplittableRandom r = new SplittableRandom(seed * 31 + index * 1_000_003 + version);
    r.nextBytes(page);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyByteSurvivesSwapping(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int limitMiB = 8;
    int factor = 2 + rnd.nextInt(3);
    int pages = limitMiB * 256 * factor;
    boolean thp = rnd.nextBoolean();
    int accesses = 3 * pages;
    List<String> failures = new ArrayList<>();
    Guest.Outcome o = Guest.run(Guest.system(Map.of("memory-limit", limitMiB + " MiB", "swap-device", "swap",
        "thp", thp)), u -> {
          long base = u.syscalls().mmap(0, (long) pages * 4096, Mman.PROT_READ | Mman.PROT_WRITE,
              Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
          int[] version = new int[pages];
          byte[] expected = new byte[4096];
          byte[] actual = new byte[4096];
          for (int i = 0; i < pages; i++) {
            fill(expected, seed, i, 0);
            u.write(base + (long) i * 4096, expected, 0, 4096);
          }
          SplittableRandom access = new SplittableRandom(seed ^ 0x77);
          for (int n = 0; n < accesses && failures.isEmpty(); n++) {
            int i = access.nextInt(pages);
            check(u, base, i, version[i], seed, expected, actual, failures);
            if (access.nextInt(3) == 0) {
              version[i]++;
              fill(expected, seed, i, version[i]);
              u.write(base + (long) i * 4096, expected, 0, 4096);
            }
          }
          for (int i = 0; i < pages && failures.isEmpty(); i++) {
            check(u, base, i, version[i], seed, expected, actual, failures);
          }
          u.syscalls().exit(failures.isEmpty() ? 0 : 1);
        });
    assertEquals(List.of(), failures, "seed " + seed);
    assertEquals(0, o.status());
    assertTrue(o.stat("system.guest.swap.outs") > pages / 2, "seed " + seed + ": swap-outs " + o.stat("system.guest.swap.outs"));
    assertTrue(o.stat("system.guest.swap.ins") > 0, "seed " + seed);
    assertTrue(o.stat("system.guest.reclaim.kswapd-runs") > 0, "seed " + seed);
  }

  private static void check(UserContext u, long base, int i, int version, long seed, byte[] expected, byte[] actual,
      List<String> failures) {
    fill(expected, seed, i, version);
    u.read(base + (long) i * 4096, actual, 0, 4096);
    if (!java.util.Arrays.equals(expected, actual)) {
      failures.add("page " + i + " version " + version + " came back different");
    }
  }
}
