package org.sego.api.units;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.Stable;

/**
 * A span of simulated time in nanoseconds. Parsed from {@code "20 us"}, {@code "8.5 ms"}. Never a
 * {@code double}: simulated time is a {@code long} count of nanoseconds everywhere.
 */
@Stable(since = "0.1")
public record Duration(long nanos) implements Comparable<Duration> {
  static final Map<String, Long> UNITS = new LinkedHashMap<>();

  static {
    UNITS.put("ns", 1L);
    UNITS.put("us", 1_000L);
    UNITS.put("µs", 1_000L);
    UNITS.put("ms", 1_000_000L);
    UNITS.put("s", 1_000_000_000L);
  }

  public Duration {
    if (nanos < 0) {
      throw new IllegalArgumentException("a duration cannot be negative: " + nanos);
    }
  }

  public static Duration parse(String text) {
    return new Duration(UnitParser.parse(text, UNITS, "duration"));
  }

  public static Duration ofNanos(long nanos) {
    return new Duration(nanos);
  }

  public static Duration ofMicros(long micros) {
    return new Duration(micros * 1_000L);
  }

  public static Duration ofMillis(long millis) {
    return new Duration(millis * 1_000_000L);
  }

  public static String units() {
    return "ns, us, ms, s";
  }

  @Override
  public int compareTo(Duration o) {
    return Long.compare(nanos, o.nanos);
  }

  @Override
  public String toString() {
    Map<String, Long> m = new LinkedHashMap<>(UNITS);
    m.remove("µs");
    return UnitParser.format(nanos, m);
  }
}
