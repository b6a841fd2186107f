package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the packaged CLI as the {@code ./sego} launcher does ({@code java -p ... -m}), so a
 * missing {@code opens}, {@code uses} or {@code requires} fails here even where surefire hides it.
 */
class PackagedModulePathIT {
  @TempDir
  Path dir;

  record Outcome(int exit, String out, String err) {}

  static Outcome sego(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return sego(List.of(), env, args);
  }

  /** The packaged CLI in a JVM started with {@code jvmArgs} (a heap bound, say). */
  static Outcome sego(List<String> jvmArgs, Map<String, String> env, String... args) throws IOException,
      InterruptedException {
    String modulePath = System.getProperty("sego.modules") + java.io.File.pathSeparator + System.getProperty("sego.cli.jar");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.awt.headless=true"));
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-p", modulePath, "-m", "org.sego.cli/org.sego.cli.SegoCommand"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SEGO_PLUGIN_PATH");
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  static String spec(String name) {
    return Path.of(System.getProperty("sego.specs"), name).toString();
  }

  @Test
  void listShowsTheFoundationsPluginsByKind() throws Exception {
    Outcome o = sego(Map.of(), "list", "--json");
    assertEquals(0, o.exit(), o.err());
    for (String s : List.of("\"name\" : \"none\"", "\"name\" : \"linuxlike\"", "\"name\" : \"memory-pressure\"", "\"name\" : \"hdd\"", "\"name\" : \"sata-ssd\"", "\"name\" : \"nvme\"",
        "\"name\" : \"ramdisk\"", "\"name\" : \"paper-2015\"", "\"name\" : \"modern\"", "\"kind\" : \"cost-profile\"",
        "\"module\" : \"org.sego.hw.x86\"", "\"version\" : \"0.1.0-SNAPSHOT\"")) {
      assertTrue(o.out().contains(s), s + " in " + o.out());
    }
    assertFalse(o.out().contains("tape"), "the example plug-in is not on the default module path");
  }

  @Test
  void describeShowsParametersWithUnitsAndAWrongNameListsTheChoices() throws Exception {
    Outcome o = sego(Map.of(), "describe", "nvme");
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("bandwidth") && o.out().contains("3 GB/s") && o.out().contains("B/s"), o.out());
    assertTrue(o.out().contains("latency") && o.out().contains("20 us"), o.out());
    Outcome bad = sego(Map.of(), "describe", "no-such-thing");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("no plug-in named 'no-such-thing'") && bad.err().contains("hdd, ldap, lie-file-length, linuxlike, memory-pressure, modern, none, nvme"),
        bad.err());
  }

  @Test
  void validateResolvesACorrectSpecAndReportsAllThreeMistakes() throws Exception {
    Outcome ok = sego(Map.of(), "validate", spec("minimal.toml"));
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("\"queue-depth\" : 32") && ok.out().contains("\"seed\" : 42"), ok.out());
    Outcome bad = sego(Map.of(), "validate", spec("three-mistakes.toml"));
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("3 problems"), bad.err());
    assertTrue(bad.err().contains("system.memory") && bad.err().contains("devices.disk.queue-dept")
        && bad.err().contains("devices.swap.model"), bad.err());
  }

  @Test
  void theExamplePluginOnThePluginPathIsListedAndChosenInASpec() throws Exception {
    Map<String, String> env = Map.of("SEGO_PLUGIN_PATH", System.getProperty("sego.examples.jar"));
    Outcome list = sego(env, "list");
    assertEquals(0, list.exit(), list.err());
    assertTrue(list.out().contains("tape") && list.out().contains("org.sego.examples.plugins"), list.out());
    Path spec = dir.resolve("tape.toml");
    Files.writeString(spec, "[devices.archive]\nmodel = \"tape\"\nsize = \"64 MiB\"\nstream = \"300 MB/s\"\n");
    Outcome probe = sego(env, "probe", spec.toString(), "--depth", "1", "--requests", "64", "--out", dir.resolve("out").toString());
    assertEquals(0, probe.exit(), probe.err());
    assertTrue(probe.out().contains("archive (tape)"), probe.out());
    assertTrue(Files.readString(dir.resolve("out/qd1/config.json")).contains("\"module\" : \"org.sego.examples.plugins\""));
  }

  @Test
  void runBootsLinuxlikeRunsAWorkloadAndWritesItsStats() throws Exception {
    Path out = dir.resolve("run");
    Outcome o = sego(Map.of(), "run", spec("linuxlike.toml"), "--workload", "fork-cow", "--out", out.toString());
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("workload fork-cow under linuxlike + none: exit status 0"), o.out());
    assertTrue(o.out().contains("copy-on-write copies"), o.out());
    String stats = Files.readString(out.resolve("stats.json"));
    assertTrue(stats.contains("system.guest.mm.cow-copies") && stats.contains("system.mmu.tlb-misses"), stats);
    assertTrue(Files.readString(out.resolve("config.json")).contains("\"name\" : \"linuxlike\""));
    Outcome bad = sego(Map.of(), "run", spec("linuxlike.toml"), "--workload", "nope");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("accepted: compaction, file-heavy, file-io, fork-cow, fragmentation, graph, ldap, memory-pressure, page-sharing, postmark, sharing, wiki"), bad.err());
  }

  @Test
  void eachAttackRunsWithItsTwinAndWritesAttackJson() throws Exception {
    Path out = dir.resolve("attack");
    Outcome o = sego(Map.of(), "attack", "read-hap-page", "--strategy", "none", "--out", out.toString());
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("attack read-hap-page vs none: LEAKED"), o.out());
    String json = Files.readString(out.resolve("attack.json"));
    assertTrue(json.contains("\"outcome\" : \"LEAKED\"") && json.contains("\"claimed\" : false"), json);
    assertTrue(Files.exists(out.resolve("twin/stats.json")) && Files.exists(out.resolve("attack/config.json")));
    Outcome bad = sego(Map.of(), "attack", "no-such-attack");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("crash-rollback, lie-file-length, open-other-file, read-hap-page, remap-hap-page, replay-swap-slot, rollback-file, stale-file-block, write-hap-page"), bad.err());
  }

  @Test
  void crashAndRebootRecoversTheFileSystem() throws Exception {
    Outcome o = sego(Map.of(), "crash", spec("files.toml"), "--at", "10ms", "--power", "--out", dir.resolve("c").toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("power failure at 10,000,000 ns"), o.out());
    assertTrue(o.out().contains("problems found by the check at mount 0"), o.out());
    assertTrue(o.out().contains("workload after the reboot: exit status 0"), o.out());
    assertTrue(Files.exists(dir.resolve("c/after/stats.json")));
  }

  @Test
  void everyCommandAnswersHelpAndTheTopLevelHelpListsBench() throws Exception {
    Outcome top = sego(Map.of(), "--help");
    assertEquals(0, top.exit(), top.err());
    for (String c : List.of("list", "describe", "validate", "probe", "run", "attack", "crash", "bench")) {
      assertTrue(top.out().contains("  " + c + " "), c + " in " + top.out());
      Outcome o = sego(Map.of(), c, "--help");
      assertEquals(0, o.exit(), c + ": " + o.err());
      assertTrue(o.out().startsWith("Usage: sego " + c), o.out());
    }
    assertTrue(sego(Map.of(), "run", "--help").out().contains("--strategy"));
  }

  @Test
  void runTakesAStrategyAndSaysWhichWorkloadParametersItDropped() throws Exception {
    Outcome o = sego(Map.of(), "run", spec("linuxlike.toml"), "--strategy", "none", "--workload", "fork-cow", "--out",
        dir.resolve("r").toString());
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.err().contains("[workload] parameters of 'memory-pressure' dropped (working-set)"), o.err());
    Outcome bad = sego(Map.of(), "run", spec("linuxlike.toml"), "--strategy", "nope");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("strategy") && bad.err().contains("nope") && bad.err().contains("none"), bad.err());
  }

  @Test
  void aProbeIsDeterministicByteForByte() throws Exception {
    for (String run : List.of("a", "b")) {
      Outcome o = sego(Map.of(), "probe", spec("minimal.toml"), "--random", "--requests", "256", "--out",
          dir.resolve(run).toString());
      assertEquals(0, o.exit(), o.err());
    }
    assertEquals(Files.readString(dir.resolve("a/qd32/stats.json")), Files.readString(dir.resolve("b/qd32/stats.json")));
    assertEquals(Files.readString(dir.resolve("a/qd1/config.json")), Files.readString(dir.resolve("b/qd1/config.json")));
  }

  @Test
  void compareWritesItsTableJsonCsvChartsAndReportTheSameWithOneAndTwoThreads() throws Exception {
    for (String threads : List.of("1", "2")) {
      Outcome o = sego(Map.of(), "compare", "--quick", "--workloads", "sharing,wiki", "--devices", "nvme", "--cost-profiles",
          "modern", "--no-break-even", "--threads", threads, "--out", dir.resolve("c" + threads).toString());
      assertEquals(0, o.exit(), o.err());
      assertTrue(o.out().contains("x none") && o.out().contains("sharing") && o.out().contains("sego"), o.out());
    }
    for (String f : List.of("results.json", "results.csv", "report.md", "overhead.png", "overhead.svg")) {
      assertTrue(Files.size(dir.resolve("c2").resolve(f)) > 0, f);
    }
    assertEquals(Files.readString(dir.resolve("c1/results.json")), Files.readString(dir.resolve("c2/results.json")));
    assertTrue(Files.readString(dir.resolve("c2/report.md")).contains("## Regimes"));
    Outcome bad = sego(Map.of(), "compare", "--devices", "floppy");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--devices floppy") && bad.err().contains("nvme"), bad.err());
  }
}
