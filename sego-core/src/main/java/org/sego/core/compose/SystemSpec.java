package org.sego.core.compose;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sego.api.Experimental;
import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginProvider;

/**
 * A validated system: every component with its plug-in and fully resolved parameters (explicit
 * values, then the cost profile's device defaults, then schema defaults).
 */
@Experimental("composition and lifecycle")
public record SystemSpec(
    String source,
    Parameters system,
    PluginProvider costProvider,
    CostProfile costProfile,
    Component strategy,
    List<DeviceSpec> devices,
    Optional<Component> guest,
    Optional<Component> workload,
    Map<String, Object> tree) {

  public long seed() {
    return system.integer("seed");
  }

  public Optional<DeviceSpec> device(String name) {
    return devices.stream().filter(d -> d.name().equals(name)).findFirst();
  }
}
