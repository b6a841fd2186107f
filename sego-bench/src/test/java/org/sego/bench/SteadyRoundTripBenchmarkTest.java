package org.sego.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The steady benchmark's batches are real accesses of one running system, each swapping a page in. */
class SteadyRoundTripBenchmarkTest {
  @Test
  void eachBatchIsAThousandMoreSwapIns() throws InterruptedException {
    SteadyRoundTripBenchmark b = new SteadyRoundTripBenchmark();
    b.start();
    int batches = 20;
    for (int i = 0; i < batches; i++) {
      b.faultSwapInSwapOutSteady();
    }
    b.stop();
    long accesses = (long) batches * SteadyRoundTripBenchmark.BATCH;
    // The first pass swaps in nothing (it only writes new pages); every later access swaps one in.
    assertTrue(b.swapIns() >= accesses * 99 / 100, "swap-ins " + b.swapIns() + " for " + accesses + " accesses");
    assertTrue(b.swapIns() <= accesses + RoundTripBenchmark.PAGES, "swap-ins " + b.swapIns());
  }
}
