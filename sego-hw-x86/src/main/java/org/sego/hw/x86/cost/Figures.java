package org.sego.hw.x86.cost;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.cost.CostFigure;

/** A small builder so each profile reads as a table of figure, value, source. */
final class Figures {
  private final Map<String, CostFigure> figures = new LinkedHashMap<>();

  Figures put(String key, String value, String source) {
    figures.put(key, new CostFigure(key, value, source));
    return this;
  }

  Map<String, CostFigure> build() {
    return figures;
  }
}
