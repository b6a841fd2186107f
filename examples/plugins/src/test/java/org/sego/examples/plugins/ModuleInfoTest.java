package org.sego.examples.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sego.examples.plugins.device.TapeDriveProvider;
import org.sego.support.PluginModuleRules;

/** The example plug-ins need only the API, and pass the checks discovery makes on SEGO_PLUGIN_PATH. */
class ModuleInfoTest {
  @Test
  void requiresOnlyTheApiAndPassesDiscoverysChecks() {
    ModuleDescriptor d = TapeDriveProvider.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(List.of(), PluginModuleRules.check(d));
  }
}
