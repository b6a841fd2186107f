package org.sego.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sego.examples.minimal.MinimalSystem;

/** The examples need nothing but the core; the plug-in is one provides line. */
class ModuleInfoTest {
  @Test
  void requiresOnlyTheCoreOpensNothingAndProvidesOneDeviceModel() {
    ModuleDescriptor d = MinimalSystem.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.core"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(Set.of(), d.opens());
    assertEquals(1, d.provides().size());
  }
}
