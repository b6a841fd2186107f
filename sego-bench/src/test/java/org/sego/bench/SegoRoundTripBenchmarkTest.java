package org.sego.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HAP's steady round trip swaps a page in at every access, by hypercall under sego and only there. */
class SegoRoundTripBenchmarkTest {
  @ParameterizedTest
  @ValueSource(strings = {"none", "sego"})
  void eachBatchIsAThousandMoreSwapInsOfTheHapsSecureMemory(String strategy) throws InterruptedException {
    SegoRoundTripBenchmark b = new SegoRoundTripBenchmark();
    b.strategy = strategy;
    b.start();
    int batches = 10;
    for (int i = 0; i < batches; i++) {
      b.faultSwapInSwapOutSteady();
    }
    b.stop();
    long accesses = (long) batches * SteadyRoundTripBenchmark.BATCH;
    assertTrue(b.swapIns() >= accesses * 99 / 100, "swap-ins " + b.swapIns() + " for " + accesses + " accesses");
    if (strategy.equals("sego")) {
      assertEquals(b.swapIns(), b.hypercallSwapIns(), "every swap-in of the HAP's page was a tagged hypercall");
    } else {
      assertEquals(0, b.hypercallSwapIns());
    }
  }
}
