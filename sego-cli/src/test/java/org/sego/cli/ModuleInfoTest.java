package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The CLI reads only what it needs (the charts: JFreeChart, JFreeSVG, java.desktop) and opens its commands only to picocli. */
class ModuleInfoTest {
  @Test
  void opensItsCommandsOnlyToPicocli() {
    ModuleDescriptor d = SegoCommand.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.core", "info.picocli", "com.google.common", "java.desktop",
        "org.jfree.jfreechart", "org.jfree.svg", "org.bouncycastle.provider"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(Set.of("org.sego.cli->[info.picocli]"),
        d.opens().stream().map(o -> o.source() + "->" + o.targets()).collect(Collectors.toSet()));
  }
}
