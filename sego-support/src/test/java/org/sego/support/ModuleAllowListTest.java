package org.sego.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleAllowListTest {
  @Test
  void aPluginThatRequiresTheCoreOrOpensToEveryoneIsFlagged() {
    ModuleDescriptor bad = ModuleDescriptor.newModule("org.example.kernel")
        .requires("org.sego.api").requires("org.sego.core").opens("org.example.kernel").build();
    List<String> problems = ModuleAllowList.problems(bad, Set.of("org.sego.api"), Map.of());
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("org.sego.core"));
    assertTrue(problems.get(1).contains("to everyone"));
  }

  @Test
  void thisModuleRequiresOnlyTheApi() {
    ModuleDescriptor d = ModuleAllowList.class.getModule().getDescriptor();
    assertEquals(List.of(), ModuleAllowList.problems(d, Set.of("org.sego.api"), Map.of()));
  }
}
