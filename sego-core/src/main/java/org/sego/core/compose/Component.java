package org.sego.core.compose;

import org.sego.api.Experimental;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginProvider;

/**
 * A validated component: its path in the system tree, its plug-in and its parameters; {@code asHap}
 * for a workload that runs as a HAP on the trusted library ({@code [workload] as-hap = true}).
 */
@Experimental("composition and lifecycle")
public record Component(String path, PluginProvider provider, Parameters parameters, boolean asHap) {
  public Component(String path, PluginProvider provider, Parameters parameters) {
    this(path, provider, parameters, false);
  }
}
