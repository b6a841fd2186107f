package org.sego.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sego.core.run.SystemRun;

/** The round-trip benchmark measures what it says: each access after the first pass faults, swaps in and swaps out. */
class RoundTripBenchmarkTest {
  @Test
  void everyAccessIsAFaultASwapInAndASwapOut() {
    int rounds = 3 * RoundTripBenchmark.PAGES;
    try (SystemRun run = RoundTripBenchmark.system().start()) {
      run.bootGuest();
      int pid = run.start(RoundTripBenchmark.cycle(rounds));
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
      long ins = run.stats().value("system.guest.swap.ins");
      long outs = run.stats().value("system.guest.swap.outs");
      assertTrue(ins >= rounds * 99L / 100, "swap-ins " + ins + " for " + rounds + " accesses");
      assertTrue(outs >= rounds * 99L / 100, "swap-outs " + outs + " for " + rounds + " accesses");
    }
  }
}
