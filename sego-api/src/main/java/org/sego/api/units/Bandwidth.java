package org.sego.api.units;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.Stable;

/** A data rate in bytes per second, parsed from {@code "3 GB/s"} or {@code "520 MB/s"}. */
@Stable(since = "0.1")
public record Bandwidth(long bytesPerSecond) implements Comparable<Bandwidth> {
  static final Map<String, Long> UNITS = new LinkedHashMap<>();

  static {
    for (Map.Entry<String, Long> e : DataSize.UNITS.entrySet()) {
      UNITS.put(e.getKey() + "/s", e.getValue());
    }
  }

  public Bandwidth {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("a bandwidth must be positive: " + bytesPerSecond + " B/s");
    }
  }

  public static Bandwidth parse(String text) {
    return new Bandwidth(UnitParser.parse(text, UNITS, "bandwidth"));
  }

  public static Bandwidth ofBytesPerSecond(long bps) {
    return new Bandwidth(bps);
  }

  public static Bandwidth ofMBps(long mb) {
    return new Bandwidth(mb * 1_000_000L);
  }

  public static String units() {
    return String.join(", ", UNITS.keySet());
  }

  /**
   * Nanoseconds to move {@code bytes} at this rate, rounded up so that no transfer is free. The
   * arithmetic is IEEE double, which Java 17 evaluates identically on every host.
   */
  public long nanosFor(long bytes) {
    if (bytes <= 0) {
      return 0;
    }
    return (long) Math.ceil(bytes * 1e9 / bytesPerSecond);
  }

  @Override
  public int compareTo(Bandwidth o) {
    return Long.compare(bytesPerSecond, o.bytesPerSecond);
  }

  @Override
  public String toString() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("B/s", 1L);
    m.put("KB/s", 1_000L);
    m.put("MB/s", 1_000_000L);
    m.put("GB/s", 1_000_000_000L);
    return UnitParser.format(bytesPerSecond, m);
  }
}
