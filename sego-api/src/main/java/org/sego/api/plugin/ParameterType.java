package org.sego.api.plugin;

import org.sego.api.Stable;

/** The value type of a plug-in parameter, which fixes how it is written in a spec. */
@Stable(since = "0.1")
public enum ParameterType {
  INTEGER("integer"),
  BOOLEAN("boolean"),
  STRING("string"),
  CHOICE("choice"),
  DATA_SIZE("data size"),
  DURATION("duration"),
  BANDWIDTH("bandwidth");

  private final String label;

  ParameterType(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
