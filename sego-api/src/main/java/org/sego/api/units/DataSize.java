package org.sego.api.units;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.Stable;

/**
 * An amount of data in bytes. Parsed from strings such as {@code "4 GiB"} or {@code "512 B"};
 * GB is 10^9 bytes and GiB 2^30 bytes.
 */
@Stable(since = "0.1")
public record DataSize(long bytes) implements Comparable<DataSize> {
  static final Map<String, Long> UNITS = new LinkedHashMap<>();

  static {
    UNITS.put("B", 1L);
    UNITS.put("KB", 1_000L);
    UNITS.put("MB", 1_000_000L);
    UNITS.put("GB", 1_000_000_000L);
    UNITS.put("TB", 1_000_000_000_000L);
    UNITS.put("KiB", 1L << 10);
    UNITS.put("MiB", 1L << 20);
    UNITS.put("GiB", 1L << 30);
    UNITS.put("TiB", 1L << 40);
  }

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a data size cannot be negative: " + bytes);
    }
  }

  public static DataSize parse(String text) {
    return new DataSize(UnitParser.parse(text, UNITS, "data size"));
  }

  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  public static DataSize ofKiB(long kib) {
    return new DataSize(kib << 10);
  }

  public static DataSize ofMiB(long mib) {
    return new DataSize(mib << 20);
  }

  public static DataSize ofGiB(long gib) {
    return new DataSize(gib << 30);
  }

  /** Accepted unit symbols, for error messages and documentation. */
  public static String units() {
    return String.join(", ", UNITS.keySet());
  }

  @Override
  public int compareTo(DataSize o) {
    return Long.compare(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return UnitParser.format(bytes, binaryFirst());
  }

  private static Map<String, Long> binaryFirst() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("B", 1L);
    m.put("KiB", 1L << 10);
    m.put("MiB", 1L << 20);
    m.put("GiB", 1L << 30);
    m.put("TiB", 1L << 40);
    return m;
  }
}
