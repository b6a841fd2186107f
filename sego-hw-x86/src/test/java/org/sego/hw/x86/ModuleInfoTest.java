package org.sego.hw.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sego.support.ModuleAllowList;

class ModuleInfoTest {
  @Test
  void requiresOnlyTheApiAndSupportAndOpensNothing() {
    assertEquals(List.of(), ModuleAllowList.problems(X86MachineFactory.class.getModule().getDescriptor(),
        Set.of("org.sego.api", "org.sego.support"), Map.of()));
  }

  @Test
  void wouldPassTheChecksDiscoveryMakesOfAPluginModule() {
    assertEquals(List.of(), org.sego.support.PluginModuleRules.check(X86MachineFactory.class.getModule().getDescriptor()));
  }
}
