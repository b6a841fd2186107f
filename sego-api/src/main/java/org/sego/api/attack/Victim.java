package org.sego.api.attack;

import java.util.Map;
import org.sego.api.Experimental;

/**
 * The victim an attack targets: a victim of the trusted victim library by name ({@code sego list}
 * shows them), with its parameters (validated against its schema, as a spec's are).
 */
@Experimental("adversary operations")
public record Victim(String name, Map<String, Object> parameters) {
  public Victim {
    parameters = Map.copyOf(parameters);
  }

  public static Victim of(String name) {
    return new Victim(name, Map.of());
  }
}
