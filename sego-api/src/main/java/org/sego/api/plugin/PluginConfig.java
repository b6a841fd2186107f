package org.sego.api.plugin;

import org.sego.api.Stable;
import org.sego.api.cost.CostProfile;

/**
 * What a provider's Guice module is built from: the component path it was given in the system
 * ({@code system.devices.disk}), its validated parameters, the run's cost profile and seed.
 */
@Stable(since = "0.1")
public record PluginConfig(String path, Parameters parameters, CostProfile costProfile, long seed) {}
