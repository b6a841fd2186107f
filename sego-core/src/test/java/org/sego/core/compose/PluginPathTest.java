package org.sego.core.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plug-in path's own mistakes are refusals with a reason, never a failed start. */
class PluginPathTest {
  @TempDir
  Path dir;

  @Test
  void anEmptyPathLoadsNothingAndRefusesNothing() {
    PluginPath p = PluginPath.of("");
    assertSame(ModuleLayer.boot(), p.layer());
    assertEquals(List.of(), p.accepted());
    assertEquals(List.of(), p.refused());
  }

  @Test
  void aMissingEntryIsRefusedByNameAndAnEmptyFolderLoadsNothing() {
    PluginPath p = PluginPath.of(dir.resolve("missing.jar") + java.io.File.pathSeparator + dir);
    assertEquals(1, p.refused().size(), p.refused().toString());
    assertTrue(p.refused().get(0).toString().contains("missing.jar") && p.refused().get(0).toString().contains("no such file"),
        p.refused().toString());
    assertEquals(List.of(), p.accepted());
  }
}
