package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sego.cli.PackagedModulePathIT.sego;
import static org.sego.cli.PluginCheckIT.stat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.cli.PackagedModulePathIT.Outcome;

/**
 * {@code examples/isolate-strategy}, compiled against {@code sego-api} alone and loaded from
 * {@code SEGO_PLUGIN_PATH} on the packaged module path: the shipped spec runs memory-pressure as a
 * HAP whose frames the kernel never touches, swapped, shared and compacted by hypercall.
 */
class IsolateStrategyIT {
  @TempDir
  Path dir;

  @Test
  void theShippedSpecRunsAHapTheKernelCannotTouch() throws Exception {
    Path out = dir.resolve("run");
    Outcome o = sego(Map.of("SEGO_PLUGIN_PATH", System.getProperty("sego.isolate.jar")), "run",
        PackagedModulePathIT.spec("isolate.toml"), "--out", out.toString());
    assertEquals(0, o.exit(), o.err() + o.out());
    assertTrue(o.out().contains("under linuxlike + isolate: exit status 0"), o.out());
    String stats = Files.readString(out.resolve("stats.json"));
    assertTrue(stat(stats, "system.guest.hypercalls.swap-out") > 0, stats);
    assertTrue(stat(stats, "system.guest.hypercalls.install-pte") > 0, stats);
    assertEquals(0, stat(stats, "system.strategy.os-touches-denied"), stats);
    assertTrue(stat(stats, "system.strategy.frames-claimed") > 0, stats);
  }
}
