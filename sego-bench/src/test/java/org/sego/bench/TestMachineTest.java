package org.sego.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sego.api.hw.X86;

/** The benchmarks measure what they say: the hit path hits, the miss path misses. */
class TestMachineTest {
  @Test
  void theHitBenchmarkHitsAndTheMissBenchmarkMisses() {
    TranslationBenchmark b = new TranslationBenchmark();
    b.setUp();
    TestMachine m = new TestMachine(16_384, 64, 4);
    long hits0 = m.mmu.tlbHits();
    for (int i = 0; i < 1000; i++) {
      m.mmu.translate(m.cr3, m.views.os(), TestMachine.BASE + (i & 0xFFF), X86.ACCESS_USER);
    }
    assertEquals(999, m.mmu.tlbHits() - hits0);
    long misses0 = m.mmu.tlbMisses();
    long cursor = 0;
    for (int i = 0; i < 1000; i++) {
      cursor = (cursor + 67) % 16_384;
      long r = m.mmu.translate(m.cr3, m.views.os(), TestMachine.BASE + (cursor << 12), X86.ACCESS_USER);
      assertTrue(r >= 0);
    }
    assertEquals(1000, m.mmu.tlbMisses() - misses0);
    assertTrue(b.translateTlbHit() >= 0 && b.translateTlbMiss() >= 0);
  }
}
