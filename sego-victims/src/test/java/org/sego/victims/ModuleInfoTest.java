package org.sego.victims;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The victim library needs only the API and exports nothing: no attack can name a victim's class. */
class ModuleInfoTest {
  @Test
  void requiresOnlyTheApiAndExportsNothing() {
    ModuleDescriptor d = SecretVictim.class.getModule().getDescriptor();
    assertEquals("org.sego.victims", d.name());
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(Set.of(), d.exports());
    assertEquals(Set.of(), d.opens());
    assertEquals(java.util.List.of(), org.sego.support.PluginModuleRules.check(d), "discovery's checks");
  }
}
