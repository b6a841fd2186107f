package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sego.cli.PackagedModulePathIT.sego;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.cli.PackagedModulePathIT.Outcome;

/**
 * A strategy compiled against {@code sego-api} alone ({@code examples/watch-strategy}), loaded from
 * {@code SEGO_PLUGIN_PATH} on the packaged module path, gets what a strategy needs: Guice builds it
 * through its package-private constructor with the hypervisor services, it counts under its path,
 * charges a category of its own, raises a violation the judge reads as DETECTED, answers its own
 * HAP hypercall (refused from the kernel's port), and keeps its state across a guest crash only.
 */
class ExternalStrategyIT {
  @TempDir
  Path dir;

  private static Map<String, String> env() {
    return Map.of("SEGO_PLUGIN_PATH", System.getProperty("sego.watch.jar"));
  }

  @Test
  void theWatchStrategyDetectsAKernelWriteAndCountsAndChargesUnderItsPath() throws Exception {
    Path out = dir.resolve("write");
    Outcome o = sego(env(), "attack", "write-hap-page", "--strategy", "watch", "--out", out.toString());
    assertEquals(0, o.exit(), o.err() + o.out());
    assertTrue(o.out().contains("attack write-hap-page vs watch: DETECTED (integrity against a malicious guest OS, claimed by the strategy, HAP halted)"),
        o.out());
    assertTrue(o.out().contains("baseline none: CORRUPTED"), o.out());
    String stats = Files.readString(out.resolve("attack/stats.json"));
    for (String s : new String[] {"\"system.strategy.frames-watched\"", "\"system.strategy.exits\"",
        "\"system.strategy.hypercalls\"", "\"system.cpu0.time.watch.scan.hv\""}) {
      assertTrue(stats.contains(s), s + " in " + stats);
    }
    String attack = Files.readString(out.resolve("attack.json"));
    assertTrue(attack.contains("the kernel wrote frame"), attack);
  }

  @Test
  void itsSwitchedOffCheckLetsTheSameAttackCorrupt() throws Exception {
    Outcome o = sego(env(), "attack", "write-hap-page", "--spec", PackagedModulePathIT.spec("watch-off.toml"), "--out",
        dir.resolve("off").toString());
    assertEquals(0, o.exit(), o.err() + o.out());
    assertTrue(o.out().contains("vs watch: CORRUPTED"), o.out());
  }

  @Test
  void theMatrixShowsEachStrategysClaimsPerAdversaryAndTellsAViolatedClaim() throws Exception {
    Path out = dir.resolve("matrix");
    Outcome o = sego(env(), "matrix", "--attacks", "write-hap-page,remap-hap-page", "--strategies", "none,watch", "--out",
        out.toString());
    assertEquals(0, o.exit(), o.err() + o.out());
    assertTrue(o.out().contains("watch claims against the guest OS: integrity; against physical access: nothing"), o.out());
    assertTrue(o.out().matches("(?s).*write-hap-page +guest-os +integrity +CORRUPTED +CORRUPTED +DETECTED claimed.*"), o.out());
    assertTrue(o.out().matches("(?s).*remap-hap-page +guest-os +integrity +CORRUPTED +CORRUPTED +CORRUPTED claim violated.*"),
        o.out());
    String m = Files.readString(out.resolve("matrix.json"));
    assertTrue(m.contains("\"claimViolated\" : true"), m);
  }

  @Test
  void describeShowsTheClaimsAndTheChecksWithTheirSwitches() throws Exception {
    Outcome o = sego(env(), "describe", "watch");
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("org.sego.examples.watch"), o.out());
    assertTrue(o.out().contains("integrity") && o.out().contains("against the guest OS"), o.out());
    assertTrue(o.out().contains("kernel-write") && o.out().contains("check-kernel-writes = false"), o.out());
  }
}
