package org.sego.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sego.support.ModuleAllowList;

class ModuleInfoTest {
  @Test
  void requiresOnlyTheApiAndSupportAndOpensNothing() {
    assertEquals(List.of(), ModuleAllowList.problems(VolumeOpener.class.getModule().getDescriptor(),
        Set.of("org.sego.api", "org.sego.support"), Map.of()));
  }

  @Test
  void wouldPassTheChecksDiscoveryMakesOfAPluginModule() {
    assertEquals(List.of(), org.sego.support.PluginModuleRules.check(VolumeOpener.class.getModule().getDescriptor()));
  }
}
