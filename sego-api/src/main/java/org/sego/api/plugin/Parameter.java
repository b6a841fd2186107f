package org.sego.api.plugin;

import java.util.List;
import java.util.Locale;
import org.sego.api.Stable;
import org.sego.api.units.Bandwidth;
import org.sego.api.units.DataSize;
import org.sego.api.units.Duration;

/**
 * One typed parameter of a plug-in: name, type, unit, default (as written in a spec), description,
 * and for choices the accepted values. {@link #parse} turns a spec value into the typed value or
 * fails with a message naming the value and what is accepted.
 */
@Stable(since = "0.1")
public record Parameter(
    String name,
    ParameterType type,
    String unit,
    String defaultValue,
    String description,
    List<String> choices,
    long min,
    long max) {

  public Parameter {
    choices = List.copyOf(choices);
    if (name == null || !name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("parameter name '" + name + "' must be lower-case kebab-case");
    }
  }

  public static Parameter dataSize(String name, String defaultValue, String description) {
    return new Parameter(name, ParameterType.DATA_SIZE, "bytes", defaultValue, description, List.of(), 0, Long.MAX_VALUE);
  }

  public static Parameter duration(String name, String defaultValue, String description) {
    return new Parameter(name, ParameterType.DURATION, "ns", defaultValue, description, List.of(), 0, Long.MAX_VALUE);
  }

  public static Parameter bandwidth(String name, String defaultValue, String description) {
    return new Parameter(name, ParameterType.BANDWIDTH, "B/s", defaultValue, description, List.of(), 1, Long.MAX_VALUE);
  }

  public static Parameter integer(String name, long defaultValue, long min, long max, String unit, String description) {
    return new Parameter(name, ParameterType.INTEGER, unit, Long.toString(defaultValue), description, List.of(), min, max);
  }

  public static Parameter bool(String name, boolean defaultValue, String description) {
    return new Parameter(name, ParameterType.BOOLEAN, "", Boolean.toString(defaultValue), description, List.of(), 0, 1);
  }

  public static Parameter string(String name, String defaultValue, String description) {
    return new Parameter(name, ParameterType.STRING, "", defaultValue, description, List.of(), 0, Long.MAX_VALUE);
  }

  public static Parameter choice(String name, String defaultValue, String description, String... choices) {
    return new Parameter(name, ParameterType.CHOICE, "", defaultValue, description, List.of(choices), 0, Long.MAX_VALUE);
  }

  /** Whether the parameter must be given (it has no default). */
  public boolean required() {
    return defaultValue == null;
  }

  /**
   * Parses a spec value: a string, a number or a boolean as read from TOML or given to a builder.
   *
   * @throws IllegalArgumentException naming the value and what this parameter accepts
   */
  public Object parse(Object raw) {
    String text = raw == null ? null : raw.toString();
    if (text == null) {
      throw new IllegalArgumentException("no value; " + accepted());
    }
    switch (type) {
      case DATA_SIZE:
        return DataSize.parse(text);
      case DURATION:
        return Duration.parse(text);
      case BANDWIDTH:
        return Bandwidth.parse(text);
      case BOOLEAN:
        if (text.equals("true") || text.equals("false")) {
          return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException("'" + text + "' is not a boolean; " + accepted());
      case INTEGER:
        long v;
        try {
          v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' is not an integer; " + accepted(), e);
        }
        if (v < min || v > max) {
          throw new IllegalArgumentException(v + " is out of range; " + accepted());
        }
        return v;
      case CHOICE:
        if (choices.contains(text)) {
          return text;
        }
        throw new IllegalArgumentException("'" + text + "' is not a choice; " + accepted());
      case STRING:
      default:
        return text;
    }
  }

  /** What this parameter accepts, in words, for error messages and {@code sego describe}. */
  public String accepted() {
    switch (type) {
      case DATA_SIZE:
        return "accepted: a data size in " + DataSize.units();
      case DURATION:
        return "accepted: a duration in " + Duration.units();
      case BANDWIDTH:
        return "accepted: a bandwidth in " + Bandwidth.units();
      case BOOLEAN:
        return "accepted: true, false";
      case INTEGER:
        return String.format(Locale.ROOT, "accepted: an integer from %d to %d%s", min, max,
            unit.isEmpty() ? "" : " (" + unit + ")");
      case CHOICE:
        return "accepted: " + String.join(", ", choices);
      case STRING:
      default:
        return "accepted: any string";
    }
  }
}
