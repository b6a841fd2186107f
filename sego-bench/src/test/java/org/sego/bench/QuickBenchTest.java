package org.sego.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report computes its ratios, the steady state and the target checks from the figures it is given. */
class QuickBenchTest {
  private static QuickBench.Figure ns(double v, double bytes) {
    return new QuickBench.Figure(v, v / 10, "ns/op", bytes);
  }

  private static Map<String, QuickBench.Figure> figures(double roundTripNs, double roundTripBytes) {
    Map<String, QuickBench.Figure> f = new LinkedHashMap<>();
    f.put("MemoryBenchmark.copy4kHot", ns(50, 0));
    f.put("MemoryBenchmark.frameRead4k", ns(55, 0));
    f.put("MemoryBenchmark.frameWrite4k", ns(70, 0));
    f.put("TranslationBenchmark.translateTlbHit", ns(12, 0));
    // A whole run amortizes a set-up of 100 ms that allocates 50 MB; the steady state has none.
    int r = RoundTripBenchmark.ROUNDS;
    f.put("RoundTripBenchmark.faultSwapInSwapOut", ns(roundTripNs + 100e6 / r, roundTripBytes + 50e6 / r));
    f.put("SteadyRoundTripBenchmark.faultSwapInSwapOutSteady", ns(roundTripNs, roundTripBytes));
    f.put("SpecSpeedBenchmark.wholeRun[linuxlike]", new QuickBench.Figure(1000, 10, "ms/op", 1e6));
    return f;
  }

  @Test
  void theTargetsAreCheckedAgainstTheSteadyStateAndTheAnchor() {
    String t = QuickBench.table(figures(1500, 800), Map.of("linuxlike", 2_000_000_000L), Map.of(), Double.NaN);
    assertTrue(t.contains("| 1.50 µs ± 150.0 ns | 800 B | 30× | ≤ 2 µs: met; ≤ 45×: met; ≤ 1 KiB: met |"), t);
    assertTrue(t.contains("≤ 1.2× copy: **missed**"), "the 70 ns write is 1.4× the copy:\n" + t);
    assertTrue(t.contains("| `linuxlike` | 2,000.0 ms | 1,000.0 ms"), t);
    assertTrue(t.contains("| 2.00 |"), "simulated seconds per wall second:\n" + t);
    String slow = QuickBench.table(figures(5000, 3000), Map.of("linuxlike", 2_000_000_000L), Map.of(), Double.NaN);
    assertTrue(slow.contains("≤ 2 µs: **missed**; ≤ 45×: **missed**; ≤ 1 KiB: **missed**"), slow);
  }

  @Test
  void wholeProcessesAreReportedLessTheJvmsStart() {
    String t = QuickBench.table(figures(1500, 800), Map.of("linuxlike", 2_000_000_000L),
        Map.of("linuxlike", new double[] {3.0, 2.5, 9.0}), 0.5);
    assertTrue(t.contains("| 3,000.0 ms | 2,500.0 ms | 0.80×: **missed** |"), t);
  }

  @Test
  void aMissingFigureIsReportedAsNotMeasuredAndNoiseIsNeverATargetMet() {
    Map<String, QuickBench.Figure> f = figures(1500, 800);
    f.remove("TranslationBenchmark.translateTlbHit");
    f.remove("SteadyRoundTripBenchmark.faultSwapInSwapOutSteady");
    String t = QuickBench.table(f, Map.of("linuxlike", 2_000_000_000L), Map.of("linuxlike", new double[] {0.4}), 0.5);
    assertTrue(t.contains("translation, TLB hit (`translateTlbHit`) | not measured"), t);
    assertTrue(t.contains("steady state (`faultSwapInSwapOutSteady`) | not measured"), t);
    assertTrue(t.contains("within the JVM's start"), t);
    f.remove("MemoryBenchmark.copy4kHot");
    assertTrue(QuickBench.table(f, Map.of(), Map.of(), Double.NaN).contains("was not measured"));
  }
}
