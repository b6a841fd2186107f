package org.sego.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginModuleRulesTest {
  static List<String> rules(ModuleDescriptor d) {
    return PluginModuleRules.check(d).stream().map(PluginModuleRules.Violation::rule).toList();
  }

  @Test
  void aModuleThatRequiresOnlyTheApiTheSupportAndHarmlessJdkModulesLoads() {
    ModuleDescriptor d = ModuleDescriptor.newModule("org.example.clean").requires("org.sego.api")
        .requires("org.sego.support").requires("java.logging").requires("jdk.crypto.ec")
        .requires("com.google.common").opens(Set.of(), "org.example.clean", Set.of("com.google.guice")).build();
    assertEquals(List.of(), PluginModuleRules.check(d));
  }

  @Test
  void eachForbiddenRequirementIsNamedWithItsRule() {
    for (String m : List.of("jdk.unsupported", "jdk.management", "jdk.attach", "java.instrument", "java.management")) {
      ModuleDescriptor d = ModuleDescriptor.newModule("org.example.bad").requires("org.sego.api").requires(m).build();
      List<PluginModuleRules.Violation> v = PluginModuleRules.check(d);
      assertEquals(List.of("denied-jdk-module"), rules(d), m);
      assertTrue(v.get(0).toString().contains("org.example.bad") && v.get(0).toString().contains("requires " + m), v.toString());
    }
  }

  @Test
  void anAggregatorThatBringsADeniedModuleIsRefusedAndSaysThroughWhich() {
    ModuleDescriptor d = ModuleDescriptor.newModule("org.example.se").requires("java.se").build();
    List<PluginModuleRules.Violation> v = PluginModuleRules.check(d);
    assertEquals(List.of("denied-jdk-module"), rules(d));
    assertTrue(v.get(0).detail().contains("(through java."), v.toString());
  }

  @Test
  void theCoreAnotherPluginTheWiringServicesAndEveryoneOpensAreRefused() {
    ModuleDescriptor d = ModuleDescriptor.newModule("org.example.kernel").requires("org.sego.api")
        .requires("org.sego.core").requires("org.sego.hw.x86").uses("org.sego.api.wiring.VolumeFactory")
        .uses("org.sego.api.plugin.PluginProvider").opens("org.example.kernel").build();
    assertEquals(List.of("requires-api-only", "requires-api-only", "no-wiring-services", "qualified-opens"), rules(d));
  }

  @Test
  void automaticAndOpenModulesAreRefused() {
    assertEquals(List.of("explicit-module"), rules(ModuleDescriptor.newAutomaticModule("org.example.auto").build()));
    assertEquals(List.of("no-open-module"),
        rules(ModuleDescriptor.newOpenModule("org.example.open").requires("org.sego.api").build()));
  }

  @Test
  void thisModuleWouldPassDiscovery() {
    assertEquals(List.of(), PluginModuleRules.check(PluginModuleRules.class.getModule().getDescriptor()));
  }
}
