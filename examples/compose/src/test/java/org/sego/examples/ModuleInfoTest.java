package org.sego.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sego.examples.minimal.MinimalSystem;

/** The composition examples need nothing but the core, and provide no plug-in. */
class ModuleInfoTest {
  @Test
  void requiresOnlyTheCoreOpensNothingAndProvidesNothing() {
    ModuleDescriptor d = MinimalSystem.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.core"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(Set.of(), d.opens());
    assertEquals(Set.of(), d.provides());
    assertEquals(Set.of(), d.exports());
  }
}
