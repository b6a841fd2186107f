package org.sego.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sego.support.ModuleAllowList;

class ModuleInfoTest {
  @Test
  void requiresAndOpensOnlyWhatTheAllowListNames() {
    assertEquals(List.of(), ModuleAllowList.problems(SegoSystem.class.getModule().getDescriptor(),
        Set.of("org.sego.api", "org.sego.support", "com.google.common", "com.fasterxml.jackson.databind",
            "com.fasterxml.jackson.dataformat.toml"),
        Map.of("org.sego.core.hv", Set.of("com.google.guice"), "org.sego.core.compose", Set.of("com.google.guice"))));
  }
}
