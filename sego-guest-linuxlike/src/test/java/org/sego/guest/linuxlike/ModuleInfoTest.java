package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sego.support.ModuleAllowList;

/** The untrusted kernel reads only the API and the helpers: no core, no hardware, no storage. */
class ModuleInfoTest {
  @Test
  void requiresOnlyTheApiAndSupportAndOpensNothing() {
    assertEquals(List.of(), ModuleAllowList.problems(LinuxlikeProvider.class.getModule().getDescriptor(),
        Set.of("org.sego.api", "org.sego.support"), Map.of()));
  }

  @Test
  void wouldPassTheChecksDiscoveryMakesOfAPluginModule() {
    assertEquals(List.of(), org.sego.support.PluginModuleRules.check(LinuxlikeProvider.class.getModule().getDescriptor()));
  }
}
