package org.sego.support;

import java.util.stream.LongStream;
import org.sego.api.Experimental;

/**
 * Seeds for randomized tests: {@code count} cases derived from a base seed, scaled up by the
 * system property {@code sego.test.scale} (the {@code slow} Maven profile sets 10). Feed them to a
 * JUnit {@code @ParameterizedTest} with the seed in the test's display name, so a failure prints
 * the seed that reproduces it.
 */
@Experimental("helpers for plug-in authors")
public final class SeededCases {
  private SeededCases() {}

  public static LongStream seeds(long baseSeed, int count) {
    int scale = Integer.getInteger("sego.test.scale", 1);
    return LongStream.range(0, (long) count * Math.max(1, scale))
        .map(i -> RandomStreams.mix(baseSeed, "case-" + i));
  }
}
