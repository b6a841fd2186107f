package org.sego.bench;

import java.util.Arrays;

/**
 * The steady round trip of {@link SegoRoundTripBenchmark} under {@code none} and under {@code
 * sego}, both systems running in one JVM and timed in alternating batches of {@link
 * SteadyRoundTripBenchmark#BATCH} accesses: whatever else the machine does at a moment slows
 * both batches of a pair alike, so the median of the per-pair ratios holds still where two JMH runs
 * minutes apart do not. (Both strategies' code shares one JIT profile here, so the absolute
 * figures are JMH's to give; this is for the ratio.) Arguments: seconds of warm-up, seconds measured.
 */
public final class PairedRoundTrip {
  private PairedRoundTrip() {}

  public static void main(String[] args) throws InterruptedException {
    double warm;
    double measure;
    try {
      warm = args.length > 0 ? Double.parseDouble(args[0]) : 15;
      measure = args.length > 1 ? Double.parseDouble(args[1]) : 20;
    } catch (NumberFormatException e) {
      System.err.println("usage: ./sego bench --paired [WARM_SECONDS [MEASURE_SECONDS]] (default 15 20); got " + String.join(" ", args));
      System.exit(2);
      return;
    }
    SegoRoundTripBenchmark none = system("none");
    SegoRoundTripBenchmark sego = system("sego");
    try {
      pairs(none, sego, warm);
      double[][] r = pairs(none, sego, measure);
      double[] ratio = r[2];
      System.out.printf("pairs %d: none %.0f ns/op, sego %.0f ns/op (medians); sego/none per pair: median %.3f, quartiles %.3f-%.3f%n",
          ratio.length, median(r[0]), median(r[1]), median(ratio), quantile(ratio, 0.25), quantile(ratio, 0.75));
    } finally {
      none.stop();
      sego.stop();
    }
  }

  private static SegoRoundTripBenchmark system(String strategy) {
    SegoRoundTripBenchmark b = new SegoRoundTripBenchmark();
    b.strategy = strategy;
    b.start();
    return b;
  }

  /** Alternating batches for {@code seconds}: each batch's ns per access under none, under sego, and their ratio. */
  private static double[][] pairs(SegoRoundTripBenchmark none, SegoRoundTripBenchmark sego, double seconds) {
    int cap = 1 << 16;
    double[] a = new double[cap];
    double[] b = new double[cap];
    double[] q = new double[cap];
    int n = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < end && n < cap) {
      boolean noneFirst = (n & 1) == 0; // (neither always runs first)
      double x = noneFirst ? batch(none) : 0;
      double y = batch(sego);
      if (!noneFirst) {
        x = batch(none);
      }
      a[n] = x;
      b[n] = y;
      q[n] = y / x;
      n++;
    }
    return new double[][] {Arrays.copyOf(a, n), Arrays.copyOf(b, n), Arrays.copyOf(q, n)};
  }

  private static double batch(SegoRoundTripBenchmark s) {
    long t = System.nanoTime();
    s.faultSwapInSwapOutSteady();
    return (System.nanoTime() - t) / (double) SteadyRoundTripBenchmark.BATCH;
  }

  private static double median(double[] v) {
    return quantile(v, 0.5);
  }

  private static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
  }
}
