package org.sego.core.compose;

import org.sego.api.Experimental;
import org.sego.api.plugin.Parameters;

/** A validated device: its name, its timing model, and its volume's parameters. */
@Experimental("composition and lifecycle")
public record DeviceSpec(String name, Component model, Parameters volume) {
  public String path() {
    return model.path();
  }
}
