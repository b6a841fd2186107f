package org.sego.core.sim;

import java.util.Map;
import java.util.TreeMap;
import org.sego.api.sim.StatsSink;

/** Stats by component path, each with its unit and description, written to {@code stats.json}. */
public final class StatsRegistry implements StatsSink {
  private final Map<String, Stat> stats = new TreeMap<>();

  public StatsRegistry() {}

  static final class Stat implements Counter {
    final String unit;
    final String description;
    long value;

    Stat(String unit, String description) {
      this.unit = unit;
      this.description = description;
    }

    @Override
    public void add(long delta) {
      value += delta;
    }

    @Override
    public long value() {
      return value;
    }
  }

  @Override
  public Counter counter(String path, String unit, String description) {
    Stat s = stats.computeIfAbsent(path, p -> new Stat(unit, description));
    if (!s.unit.equals(unit)) {
      throw new IllegalArgumentException("stat " + path + " is in " + s.unit + ", not " + unit);
    }
    return s;
  }

  /** Sets a stat computed at the end of a run. */
  public void set(String path, String unit, String description, long value) {
    Stat s = (Stat) counter(path, unit, description);
    s.value = value;
  }

  public long value(String path) {
    Stat s = stats.get(path);
    if (s == null) {
      throw new IllegalArgumentException("no stat " + path + "; stats: " + stats.keySet());
    }
    return s.value;
  }

  public boolean has(String path) {
    return stats.containsKey(path);
  }

  /** Every stat's value by path, sorted by path. */
  public Map<String, Long> values() {
    Map<String, Long> out = new TreeMap<>();
    stats.forEach((path, s) -> out.put(path, s.value));
    return out;
  }

  /** {@code {path: {value, unit, description}}}, sorted by path. */
  public Map<String, Object> toTree() {
    Map<String, Object> out = new TreeMap<>();
    stats.forEach((path, s) -> {
      Map<String, Object> m = new TreeMap<>();
      m.put("value", s.value);
      m.put("unit", s.unit);
      m.put("description", s.description);
      out.put(path, m);
    });
    return out;
  }
}
