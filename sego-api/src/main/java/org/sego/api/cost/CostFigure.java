package org.sego.api.cost;

import org.sego.api.Stable;

/**
 * One figure of a cost profile: its key ({@code crypto.aes-gcm}), its value as written with a
 * unit ({@code "1 GB/s"}), and where the number comes from.
 */
@Stable(since = "0.1")
public record CostFigure(String key, String value, String source) {
  public CostFigure {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("cost figure '" + key + "' has no source");
    }
  }
}
