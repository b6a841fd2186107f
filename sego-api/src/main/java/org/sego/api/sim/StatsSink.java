package org.sego.api.sim;

import org.sego.api.Stable;

/** Named statistics of a component, by component path, each with its unit. */
@Stable(since = "0.1")
public interface StatsSink {
  /** A counter {@code path} ({@code system.disk.reads}) in {@code unit}; the same path gives the same counter. */
  Counter counter(String path, String unit, String description);

  /** A monotonic counter; {@link #add} is one array add. */
  interface Counter {
    void add(long delta);

    long value();
  }
}
