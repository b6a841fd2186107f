package org.sego.examples.isolate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.SystemRun;

/**
 * The built-in workloads as HAPs under a strategy that denies the OS every frame of their protected
 * memory: each exits 0 with its memory services done by hypercall, the kernel never touches one of
 * their frames, and the output is what it is under {@code none}.
 */
class IsolateStrategyTest {
  /** The plug-in is found by discovery, as on SEGO_PLUGIN_PATH: this module is on the test's module path. */
  static PluginRegistry registry() {
    return PluginRegistry.discover();
  }

  record Outcome(int status, List<String> output, SystemRun run) {
    long stat(String path) {
      return run.stats().value(path);
    }
  }

  static Outcome run(String strategy, String workload, Map<String, ?> params, Map<String, ?> guest) {
    SegoSystem s = SegoSystem.builder(registry()).memory("128 MiB").seed(11).strategy(strategy)
        .device("swap", "nvme", Map.of("size", "128 MiB")).device("disk", "nvme", Map.of("size", "64 MiB"))
        .guest("linuxlike", guest).workload(workload, new LinkedHashMap<>(params)).workloadAsHap(true).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startWorkload();
      run.run();
      return new Outcome(run.exitStatuses().get(pid), run.hapOutput(), run);
    }
  }

  static Stream<Arguments> workloads() {
    return Stream.of(
        Arguments.of("memory-pressure", Map.of("working-set", "12 MiB"),
            Map.of("memory-limit", "6 MiB", "swap-device", "swap"),
            List.of("system.guest.hypercalls.swap-out", "system.guest.hypercalls.swap-in", "system.strategy.swap-ins")),
        Arguments.of("fork-cow", Map.of("children", 3, "size", "1 MiB"), Map.of("sharing", "aware"),
            List.of("system.guest.hypercalls.copy-page", "system.strategy.copies")),
        Arguments.of("page-sharing", Map.of("pages", 512, "distinct", 4), Map.of("sharing", "aware", "thp", false),
            List.of("system.guest.hypercalls.share-pages", "system.strategy.shares", "system.guest.sharing.merged")),
        Arguments.of("fragmentation", Map.of("fragment", "56 MiB", "region", "8 MiB", "accesses", 20_000),
            Map.of("memory-limit", "64 MiB", "compaction", "aware"),
            List.of("system.guest.hypercalls.move-page", "system.strategy.moves", "system.guest.compaction.collapses")),
        Arguments.of("file-heavy", Map.of("files", 12, "file-size", "96 KiB"), Map.of("fs-device", "disk"),
            List.of("system.guest.hypercalls.file-write-back", "system.strategy.file-write-backs", "system.strategy.frames-claimed")),
        Arguments.of("file-heavy", Map.of("files", 12, "file-size", "96 KiB"), Map.of("fs-device", "disk", "fs-journal", "journal"),
            List.of("system.guest.hypercalls.block-copy", "system.strategy.block-copies", "system.devices.disk.hypervisor-copies")));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("workloads")
  void aHapTheKernelCannotTouchStillSwapsSharesAndCompactsByHypercall(String workload, Map<String, ?> params,
      Map<String, ?> guest, List<String> hypercallCounters) {
    Outcome none = run("none", workload, params, guest);
    Outcome isolated = run("isolate", workload, params, guest);
    assertEquals(0, none.status());
    assertEquals(0, isolated.status(), "the HAP's self-check under isolate");
    assertEquals(none.output(), isolated.output());
    assertTrue(isolated.stat("system.strategy.frames-claimed") > 0, "its protected memory left the OS's view");
    assertEquals(0, isolated.stat("system.strategy.os-touches-denied"), "the kernel never touched a HAP frame");
    assertEquals(0, isolated.stat("system.strategy.dma-refused"), "no block request touched a HAP frame unasked");
    assertEquals(0, isolated.stat("system.hv.ept-denied"), "no access of any kind was denied");
    assertTrue(isolated.stat("system.guest.hypercalls.install-pte") > 0, "the HAP's entries were installed by the hypervisor");
    assertEquals(0, isolated.stat("system.strategy.ptes-refused"));
    for (String c : hypercallCounters) {
      assertTrue(isolated.stat(c) > 0, c + " = " + isolated.stat(c));
    }
  }
}
