package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sego.cli.PackagedModulePathIT.sego;
import static org.sego.cli.PluginCheckIT.stat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.cli.PackagedModulePathIT.Outcome;

/**
 * The built-in strategy {@code sego} (module {@code org.sego.protection.metadata}, compiled against
 * {@code sego-api} and {@code sego-support} only) on the packaged module path: the shipped spec runs
 * a HAP swapped by tagged hypercalls with no crypto charged, {@code describe} shows its checks and
 * claims, and the attack matrix finds every built-in attack prevented or detected.
 */
class SegoStrategyIT {
  @TempDir
  Path dir;

  @Test
  void theShippedSpecSwapsAHapByTaggedHypercalls() throws Exception {
    Path out = dir.resolve("run");
    Outcome o = sego(Map.of(), "run", PackagedModulePathIT.spec("sego.toml"), "--out", out.toString());
    assertEquals(0, o.exit(), o.err() + o.out());
    assertTrue(o.out().contains("under linuxlike + sego: exit status 0"), o.out());
    String stats = Files.readString(out.resolve("stats.json"));
    assertTrue(stat(stats, "system.strategy.swap-outs") > 0, stats);
    assertTrue(stat(stats, "system.strategy.swap-ins") > 0, stats);
    assertEquals(0, stat(stats, "system.hv.violations"));
    assertTrue(stat(stats, "system.strategy.trusted-ram-bytes-per-protected-gib") > 0);
    assertTrue(!stats.contains("\"crypto."), "no crypto category appears");
  }

  @Test
  void describeShowsItsChecksClaimsAndSwitches() throws Exception {
    Outcome o = sego(Map.of(), "describe", "sego");
    assertEquals(0, o.exit(), o.err());
    for (String s : new String[] {"check-version", "check-binding", "check-intent", "secure-delete", "device-refusal",
        "register-scrub", "check-file-length", "confidentiality-ram", "freshness", "crash-consistency"}) {
      assertTrue(o.out().contains(s), s + " in:\n" + o.out());
    }
  }

  @Test
  void everyBuiltInAttackIsPreventedOrDetected() throws Exception {
    Outcome o = sego(Map.of(), "matrix", "--strategies", "sego", "--out", dir.resolve("m").toString());
    assertEquals(0, o.exit(), o.err() + o.out());
    String json = Files.readString(dir.resolve("m").resolve("matrix.json"));
    Matcher m = Pattern.compile("\"outcome\"\\s*:\\s*\"([A-Z_]+)\"").matcher(json);
    int cells = 0;
    while (m.find()) {
      cells++;
    }
    assertTrue(cells >= 18, "9 attacks, each with its sego cell and its baseline: " + cells);
    int rows = 0;
    for (String line : o.out().split("\n")) {
      if (line.matches("^[a-z-]+\\s+guest-os.*")) {
        rows++;
        assertTrue(line.contains("PREVENTED") || line.contains("DETECTED"), line);
      }
    }
    assertEquals(9, rows, o.out());
  }
}
