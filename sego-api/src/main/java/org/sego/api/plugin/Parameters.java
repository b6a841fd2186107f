package org.sego.api.plugin;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.Stable;
import org.sego.api.units.Bandwidth;
import org.sego.api.units.DataSize;
import org.sego.api.units.Duration;

/**
 * Validated, typed parameter values of one component (every parameter of its schema is present,
 * defaults filled in). Created by the composition layer, never by plug-ins from raw text.
 */
@Stable(since = "0.1")
public final class Parameters {
  private final Map<String, Object> values;

  public Parameters(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Parameters none() {
    return new Parameters(Map.of());
  }

  /** Every value, sorted by name. */
  public Map<String, Object> asMap() {
    return values;
  }

  public DataSize dataSize(String name) {
    return get(name, DataSize.class);
  }

  public Duration duration(String name) {
    return get(name, Duration.class);
  }

  public Bandwidth bandwidth(String name) {
    return get(name, Bandwidth.class);
  }

  public long integer(String name) {
    return get(name, Long.class);
  }

  public boolean bool(String name) {
    return get(name, Boolean.class);
  }

  public String string(String name) {
    return get(name, String.class);
  }

  private <T> T get(String name, Class<T> type) {
    Object v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no parameter '" + name + "'; present: " + values.keySet());
    }
    if (!type.isInstance(v)) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' is a " + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
