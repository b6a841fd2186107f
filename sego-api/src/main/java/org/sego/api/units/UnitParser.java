package org.sego.api.units;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/** Splits {@code "3 GB/s"} into a decimal number and a unit, scaled by a unit table. */
final class UnitParser {
  private UnitParser() {}

  static long parse(String text, Map<String, Long> units, String what) {
    if (text == null) {
      throw new IllegalArgumentException(what + " is missing; accepted units: " + units.keySet());
    }
    String s = text.trim();
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    String number = s.substring(0, i);
    String unit = s.substring(i).trim();
    Long scale = units.get(unit);
    if (number.isEmpty() || scale == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a " + what + "; write a number and one of the units " + units.keySet()
              + " (for example \"" + example(units) + "\")");
    }
    try {
      BigDecimal v = new BigDecimal(number).multiply(BigDecimal.valueOf(scale));
      return v.setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a " + what + ": " + e.getMessage(), e);
    }
  }

  static String format(long value, Map<String, Long> units) {
    String best = null;
    long bestScale = 0;
    for (Map.Entry<String, Long> e : units.entrySet()) {
      long scale = e.getValue();
      if (scale <= value && value % scale == 0 && scale > bestScale && !e.getKey().isEmpty()) {
        best = e.getKey();
        bestScale = scale;
      }
    }
    if (best == null) {
      String unit = units.keySet().stream().filter(k -> units.get(k) == 1L).findFirst().orElse("");
      return value + (unit.isEmpty() ? "" : " " + unit);
    }
    return String.format(Locale.ROOT, "%d %s", value / bestScale, best);
  }

  private static String example(Map<String, Long> units) {
    return units.keySet().stream().filter(k -> !k.isEmpty()).reduce((a, b) -> b).map(u -> "4 " + u).orElse("4");
  }
}
