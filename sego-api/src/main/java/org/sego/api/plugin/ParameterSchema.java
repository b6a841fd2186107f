package org.sego.api.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sego.api.Stable;

/** The ordered, named parameters a plug-in accepts. */
@Stable(since = "0.1")
public final class ParameterSchema {
  public static final ParameterSchema EMPTY = new ParameterSchema(List.of());

  private final Map<String, Parameter> byName = new LinkedHashMap<>();

  private ParameterSchema(List<Parameter> parameters) {
    for (Parameter p : parameters) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalArgumentException("parameter '" + p.name() + "' is declared twice");
      }
    }
  }

  public static ParameterSchema of(Parameter... parameters) {
    return new ParameterSchema(List.of(parameters));
  }

  public List<Parameter> parameters() {
    return Collections.unmodifiableList(new ArrayList<>(byName.values()));
  }

  public Optional<Parameter> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }
}
