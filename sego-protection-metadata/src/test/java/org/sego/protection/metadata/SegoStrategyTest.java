package org.sego.protection.metadata;

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
 * Functional equivalence: every built-in workload as a HAP under {@code sego} gives the output it
 * gives under {@code none}, exits 0, raises no violation, and has its memory services done by
 * hypercall on S-pages the kernel never touches — with no crypto cost charged anywhere.
 */
class SegoStrategyTest {
  record Outcome(int status, List<String> output, SystemRun run) {
    long stat(String path) {
      return run.stats().value(path);
    }
  }

  static Outcome run(String strategy, String workload, Map<String, ?> params, Map<String, ?> guest) {
    return run(strategy, Map.of(), workload, params, guest);
  }

  static Outcome run(String strategy, Map<String, ?> strategyParams, String workload, Map<String, ?> params,
      Map<String, ?> guest) {
    return run(strategy, strategyParams, workload, params, guest, "nvme");
  }

  static Outcome run(String strategy, Map<String, ?> strategyParams, String workload, Map<String, ?> params,
      Map<String, ?> guest, String swapModel) {
    SegoSystem s = SegoSystem.builder(PluginRegistry.discover()).memory("128 MiB").seed(11)
        .strategy(strategy, strategyParams)
        .device("swap", swapModel, Map.of("size", "128 MiB")).device("disk", "nvme", Map.of("size", "64 MiB"))
        .device("hvstore", "sata-ssd", Map.of("size", "16 MiB", "access", "hypervisor"))
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
            List.of("system.guest.hypercalls.swap-out", "system.strategy.swap-ins", "system.strategy.frames-scrubbed")),
        Arguments.of("fork-cow", Map.of("children", 3, "size", "1 MiB"), Map.of("sharing", "aware"),
            List.of("system.guest.hypercalls.copy-page", "system.strategy.copies")),
        Arguments.of("page-sharing", Map.of("pages", 512, "distinct", 4), Map.of("sharing", "aware", "thp", false),
            List.of("system.guest.hypercalls.share-pages", "system.strategy.shares", "system.guest.sharing.merged")),
        Arguments.of("page-sharing", Map.of("pages", 512, "distinct", 4), Map.of("sharing", "oblivious", "thp", false),
            List.of("system.strategy.frames-bound")),
        Arguments.of("fragmentation", Map.of("fragment", "56 MiB", "region", "8 MiB", "accesses", 20_000),
            Map.of("memory-limit", "64 MiB", "compaction", "aware"),
            List.of("system.guest.hypercalls.move-page", "system.strategy.moves", "system.guest.compaction.collapses")),
        Arguments.of("fragmentation", Map.of("fragment", "56 MiB", "region", "8 MiB", "accesses", 20_000),
            Map.of("memory-limit", "64 MiB", "compaction", "oblivious"), List.of("system.strategy.frames-bound")),
        Arguments.of("file-heavy", Map.of("files", 12, "file-size", "96 KiB"), Map.of("fs-device", "disk"),
            List.of("system.guest.hypercalls.file-write-back", "system.strategy.file-write-backs")),
        Arguments.of("file-heavy", Map.of("files", 12, "file-size", "96 KiB"), Map.of("fs-device", "disk", "fs-journal", "journal"),
            List.of("system.guest.hypercalls.block-copy", "system.strategy.block-copies")));
  }

  @ParameterizedTest(name = "{0} {2}")
  @MethodSource("workloads")
  void everyWorkloadAsAHapGivesTheOutputItGivesUnderNone(String workload, Map<String, ?> params, Map<String, ?> guest,
      List<String> counters) {
    Outcome none = run("none", workload, params, guest);
    Outcome sego = run("sego", workload, params, guest);
    assertEquals(0, none.status());
    assertEquals(0, sego.status(), () -> "the HAP's self-check under sego; violations "
        + sego.run().violations().subList(0, Math.min(3, sego.run().violations().size()))
        + ", refused hypercalls " + sego.stat("system.hv.hypercalls-refused"));
    assertEquals(none.output(), sego.output(), "identical output");
    assertEquals(0, sego.stat("system.hv.violations"), sego.run().violations().toString());
    assertTrue(sego.stat("system.strategy.frames-bound") > 0, "its protected memory became S-pages");
    assertEquals(0, sego.stat("system.strategy.dma-refused"), "no block request moved an S-page unasked");
    assertTrue(sego.stat("system.guest.hypercalls.install-pte") > 0, "the HAP's entries went through the hypervisor");
    for (String c : counters) {
      assertTrue(sego.stat(c) > 0, c + " = " + sego.stat(c));
    }
    Map<String, Long> time = sego.run().simulation().timeByCategory(0);
    time.forEach((category, nanos) -> assertTrue(!category.startsWith("crypto.") || nanos == 0,
        "sego is never charged crypto: " + category + " = " + nanos));
    assertTrue(time.keySet().stream().anyMatch(c -> c.startsWith("sego.")), "sego charges its own work: " + time.keySet());
  }

  /**
   * With batches (the default, {@code swap-folded} offered) a swap round trip takes two exits: the
   * swap-in carries the page's entry, which the hypervisor installs once the bytes are there, and a
   * swap-out's frame is given back when its write completes. Per page (batches off) it takes five:
   * swap-out, its swap entry, release, swap-in, its entry.
   * Either way the HAP reads what it reads under {@code none}.
   */
  @org.junit.jupiter.api.Test
  void withBatchesASwapRoundTripTakesTwoExitsAndPerPageFive() {
    Map<String, ?> params = Map.of("working-set", "12 MiB");
    Map<String, ?> guest = Map.of("memory-limit", "6 MiB", "swap-device", "swap");
    Outcome none = run("none", "memory-pressure", params, guest);
    Outcome folded = run("sego", "memory-pressure", params, guest);
    Outcome perPage = run("sego", Map.of("batch-hypercalls", false), "memory-pressure", params, guest);
    for (Outcome o : List.of(folded, perPage)) {
      assertEquals(none.output(), o.output(), "the same data");
      assertEquals(0, o.stat("system.hv.violations"), o.run().violations().toString());
    }
    long outs = folded.stat("system.strategy.swap-outs");
    long ins = folded.stat("system.strategy.swap-ins");
    assertTrue(outs > 1000 && ins > 1000, outs + " swap-outs, " + ins + " swap-ins");
    long released = folded.stat("system.strategy.swap-out-releases");
    assertTrue(released <= outs && outs - released < 64, "every swapped-out frame given back at its write, but those the HAP took back"
        + " or that were still in flight at its exit: " + released + " of " + outs);
    long releases = folded.stat("system.guest.hypercalls.release-page");
    long perPageReleases = perPage.stat("system.guest.hypercalls.release-page");
    assertTrue(perPageReleases - releases > outs - 64, "the kernel released no swapped-out frame itself (only those left at"
        + " exit): " + releases + " releases folded, " + perPageReleases + " per page");
    assertTrue(folded.stat("system.guest.hypercalls.install-pte") < perPage.stat("system.guest.hypercalls.install-pte") - ins / 2,
        "no install-pte after a swap-in: " + folded.stat("system.guest.hypercalls.install-pte") + " vs "
        + perPage.stat("system.guest.hypercalls.install-pte"));
    assertEquals(0, perPage.stat("system.strategy.swap-out-releases"));
    assertTrue(perPage.stat("system.guest.hypercalls.release-page") >= perPage.stat("system.strategy.swap-outs"));
    // Per page: swap-out, its entry, release, swap-in, its entry; folded: one batch out, one swap-in.
    long perPageExits = perPage.stat("system.hv.hypercalls");
    long foldedExits = folded.stat("system.hv.hypercalls");
    assertTrue(foldedExits + 2 * outs + ins <= perPageExits + outs / 10, foldedExits + " exits folded, " + perPageExits + " per page");
  }

  /**
   * On a slow swap disk a page is often faulted back while its swap-out write is still in flight
   * (the kernel maps the frame again), then swapped out again before that first write completes:
   * the hypervisor gives the frame back at the completion of the write that asked for it, not of
   * the earlier one, so the kernel never frees a frame still bound to the HAP.
   */
  @org.junit.jupiter.api.Test
  void aPageSwappedOutAgainWhileItsFirstWriteIsInFlightComesBackWhole() {
    Map<String, ?> params = Map.of("working-set", "12 MiB");
    Map<String, ?> guest = Map.of("memory-limit", "6 MiB", "swap-device", "swap");
    Outcome none = run("none", Map.of(), "memory-pressure", params, guest, "hdd");
    Outcome sego = run("sego", Map.of(), "memory-pressure", params, guest, "hdd");
    assertTrue(none.stat("system.guest.swap.cache-hits") > 0, "pages taken back from an in-flight write: "
        + none.stat("system.guest.swap.cache-hits"));
    assertEquals(0, sego.status(), () -> "violations " + sego.run().violations() + ", refused "
        + sego.stat("system.hv.hypercalls-refused"));
    assertEquals(none.output(), sego.output());
    assertTrue(!sego.run().stats().has("system.guest.hypercalls.swap-in-refused"), "no swap-in into a frame still bound");
  }

  @org.junit.jupiter.api.Test
  void aSmallTagCacheSpillsToTheStoreAndEachMissIsCharged() {
    Map<String, ?> params = Map.of("working-set", "12 MiB");
    Map<String, ?> guest = Map.of("memory-limit", "6 MiB", "swap-device", "swap");
    Outcome none = run("none", "memory-pressure", params, guest);
    Outcome small = run("sego", Map.of("tag-cache-entries", 64), "memory-pressure", params, guest);
    Outcome big = run("sego", "memory-pressure", params, guest);
    assertEquals(none.output(), small.output(), "the same data with 64 tags in memory");
    assertEquals(0, small.stat("system.hv.violations"));
    assertTrue(small.stat("system.strategy.tag-cache-evictions") > 0);
    assertTrue(small.stat("system.strategy.tag-cache-misses") > 0);
    assertEquals(0, big.stat("system.strategy.tag-cache-misses"), "65,536 tags hold this run's");
    long missNanos = small.run().simulation().timeByCategory(0).getOrDefault("sego.tag-miss.hv", 0L);
    assertTrue(missNanos > 0, "each miss waits for the store's device: " + small.run().simulation().timeByCategory(0).keySet());
    assertTrue(small.stat("system.devices.hvstore.reads") >= small.stat("system.strategy.tag-cache-misses"));
    assertTrue(small.stat("system.strategy.trusted-ram-bytes") < big.stat("system.strategy.trusted-ram-bytes"));
  }
}
