package org.sego.core.compose;

import org.sego.api.Experimental;

/** One problem of a system spec: the key path, the value found (or null), and what is wrong. */
@Experimental("composition and lifecycle")
public record SpecProblem(String key, Object value, String message) {
  @Override
  public String toString() {
    return value == null ? key + ": " + message : key + " = " + quote(value) + ": " + message;
  }

  private static String quote(Object v) {
    return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
  }
}
