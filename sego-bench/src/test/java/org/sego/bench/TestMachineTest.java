package org.sego.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.sego.api.hw.Translation;

/** The benchmarks measure what they say: the benchmark's own hit method hits, its miss method misses. */
class TestMachineTest {
  @Test
  void theHitBenchmarkHitsAndTheMissBenchmarkMisses() {
    TranslationBenchmark b = new TranslationBenchmark();
    b.setUp();
    b.translateTlbHit(); // the first access of the page fills the TLB
    long hits0 = b.machine().mmu.tlbHits();
    long misses0 = b.machine().mmu.tlbMisses();
    for (int i = 0; i < 1000; i++) {
      assertFalse(Translation.isFault(b.translateTlbHit()));
    }
    assertEquals(1000, b.machine().mmu.tlbHits() - hits0, "every hit-benchmark call hits");
    assertEquals(0, b.machine().mmu.tlbMisses() - misses0);
    hits0 = b.machine().mmu.tlbHits();
    for (int i = 0; i < 1000; i++) {
      assertFalse(Translation.isFault(b.translateTlbMiss()));
    }
    assertEquals(1000, b.machine().mmu.tlbMisses() - misses0, "every miss-benchmark call walks");
    assertEquals(0, b.machine().mmu.tlbHits() - hits0);
  }
}
