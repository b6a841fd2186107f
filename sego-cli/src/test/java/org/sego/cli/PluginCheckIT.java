package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-in modules built for this test (sources in {@code src/it/plugins}, compiled here against the
 * packaged modules) go on {@code SEGO_PLUGIN_PATH} of the packaged CLI: one requiring {@code
 * jdk.unsupported}, one requiring {@code org.sego.core}, one using a wiring service — each refused
 * with its module and rule named — beside a clean one that loads and runs, whose guest kernel
 * tries to reach host objects behind its ports and counts what it got.
 */
class PluginCheckIT {
  @TempDir
  static Path dir;

  static String pluginPath;

  @BeforeAll
  static void compilePluginModules() throws IOException, InterruptedException {
    Path sources = Path.of(System.getProperty("sego.it.plugins"));
    String modulePath = System.getProperty("sego.modules") + File.pathSeparator + System.getProperty("sego.cli.jar");
    List<String> built = new ArrayList<>();
    for (String m : List.of("it.clean", "it.unsafe", "it.core", "it.wiring", "it.victim")) {
      Path out = dir.resolve("modules").resolve(m);
      List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
          "--release", "17", "-d", out.toString(), "--module-path", modulePath));
      if (m.equals("it.wiring")) {
        // Only a module told so by hand can even compile a `uses` of a wiring service.
        args.addAll(List.of("--add-exports", "org.sego.api/org.sego.api.wiring=it.wiring"));
      }
      try (Stream<Path> files = Files.walk(sources.resolve(m))) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
      }
      Process javac = new ProcessBuilder(args).redirectErrorStream(true).start();
      String log = new String(javac.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, javac.waitFor(), "javac " + m + ": " + log);
      built.add(out.toString());
    }
    pluginPath = String.join(File.pathSeparator, built);
  }

  @Test
  void anAttackThatProvesNothingUnderItsBaselineFailsTheCommand() throws Exception {
    PackagedModulePathIT.Outcome o = PackagedModulePathIT.sego(Map.of("SEGO_PLUGIN_PATH", pluginPath), "attack",
        "it-useless", "--out", dir.resolve("useless").toString());
    assertEquals(3, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("attack it-useless vs none: PREVENTED"), o.out());
    assertTrue(o.out().contains("baseline none: PREVENTED -- the attack proves nothing"), o.out());
    assertTrue(o.err().contains("attack it-useless proves nothing"), o.err());
    assertTrue(Files.readString(dir.resolve("useless/attack.json")).contains("\"provesSomething\" : false"));
  }

  @Test
  void aVictimFromOutsideTheVictimLibraryIsRefusedAtDiscovery() throws Exception {
    PackagedModulePathIT.Outcome o = PackagedModulePathIT.sego(Map.of("SEGO_PLUGIN_PATH", pluginPath), "list");
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.err().contains("plug-in module it.victim") && o.err().contains("victims come only from the trusted "
        + "victim library"), o.err());
    assertFalse(o.out().contains("it-smuggled"), o.out());
    assertTrue(o.out().contains("secret-pages") && o.out().contains("secret-files"), o.out());
  }

  @Test
  void eachForbiddenModuleIsRefusedWithItsRuleAndTheCleanOneLoads() throws Exception {
    PackagedModulePathIT.Outcome o = PackagedModulePathIT.sego(Map.of("SEGO_PLUGIN_PATH", pluginPath), "list");
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.err().contains("plug-in module it.unsafe") && o.err().contains("requires jdk.unsupported")
        && o.err().contains("[rule: denied-jdk-module]"), o.err());
    assertTrue(o.err().contains("plug-in module it.core") && o.err().contains("requires org.sego.core")
        && o.err().contains("[rule: requires-api-only]"), o.err());
    assertTrue(o.err().contains("plug-in module it.wiring") && o.err().contains("uses org.sego.api.wiring.VolumeFactory")
        && o.err().contains("[rule: no-wiring-services]"), o.err());
    assertFalse(o.err().contains("plug-in module it.clean"), o.err());
    assertTrue(o.out().contains("it-probe") && o.out().contains("it-idle") && o.out().contains("it.clean"), o.out());
    for (String refused : List.of("it-unsafe", "it-core", "it-wiring")) {
      assertFalse(o.out().contains(refused), refused + " must not load: " + o.out());
    }
  }

  @Test
  void aKernelThatProbesItsPortsReachesNoHostObjectAndGetsRegisterCopies() throws Exception {
    Path spec = dir.resolve("probe.toml");
    Files.writeString(spec, "[system]\nmemory = \"16 MiB\"\n[guest]\nname = \"it-probe\"\n[workload]\nname = \"it-idle\"\n");
    Path out = dir.resolve("probe-run");
    PackagedModulePathIT.Outcome o = PackagedModulePathIT.sego(Map.of("SEGO_PLUGIN_PATH", pluginPath), "run",
        spec.toString(), "--out", out.toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("workload it-idle under it-probe + none: exit status 0"), o.out());
    String stats = Files.readString(out.resolve("stats.json"));
    assertTrue(stat(stats, "system.guest.probe.attempts") > 50, "the probe really probed: " + stats);
    for (String reached : List.of("host-instances", "fields-read", "host-methods", "foreign-stats", "register-writes-through")) {
      assertEquals(0, stat(stats, "system.guest.probe." + reached), reached + " in " + stats);
    }
  }

  static long stat(String statsJson, String path) {
    Matcher m = Pattern.compile(Pattern.quote("\"" + path + "\"") + "\\s*:\\s*\\{[^}]*\"value\"\\s*:\\s*(-?\\d+)")
        .matcher(statsJson);
    assertTrue(m.find(), "no stat " + path + " in stats.json");
    return Long.parseLong(m.group(1));
  }
}
