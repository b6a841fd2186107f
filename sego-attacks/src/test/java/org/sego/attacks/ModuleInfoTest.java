package org.sego.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Attacks reach the system only through the API: no core, no hardware, no storage, no kernel. */
class ModuleInfoTest {
  @Test
  void requiresOnlyTheApi() {
    ModuleDescriptor d = ReadHapPageAttack.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(Set.of(), d.opens());
    assertEquals(java.util.List.of(), org.sego.support.PluginModuleRules.check(d), "discovery's checks");
  }
}
