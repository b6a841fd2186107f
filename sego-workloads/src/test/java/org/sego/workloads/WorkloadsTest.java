package org.sego.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/** Each built-in workload runs under linuxlike + none, checks its data, and exercises what it names. */
class WorkloadsTest {
  record Result(int status, SystemRun run) {
    long stat(String path) {
      return run.stats().value(path); // an unregistered stat fails the test that reads it
    }
  }

  static Result run(String workload, Map<String, ?> params, Map<String, ?> guest) {
    SegoSystem s = SegoSystem.builder().memory("128 MiB").seed(11)
        .device("swap", "nvme", Map.of("size", "128 MiB"))
        .guest("linuxlike", guest).workload(workload, params).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startWorkload();
      run.run();
      return new Result(run.exitStatuses().get(pid), run);
    }
  }

  @Test
  void memoryPressureSwapsAndKeepsEveryByte() {
    Result r = run("memory-pressure", Map.of("working-set", "24 MiB"),
        Map.of("memory-limit", "8 MiB", "swap-device", "swap"));
    assertEquals(0, r.status());
    assertTrue(r.stat("system.guest.swap.outs") > 0 && r.stat("system.guest.swap.ins") > 0);
  }

  @Test
  void forkCowChildrenNeverReachTheParent() {
    Result r = run("fork-cow", Map.of("children", 4, "size", "1 MiB"), Map.of());
    assertEquals(0, r.status());
    assertEquals(4, r.stat("system.guest.forks"));
    assertTrue(r.stat("system.guest.mm.cow-copies") >= 4 * 256);
  }

  @Test
  void pageSharingMergesAndSplits() {
    Result r = run("page-sharing", Map.of("pages", 1024, "distinct", 4), Map.of("sharing", "oblivious", "thp", false));
    assertEquals(0, r.status());
    assertTrue(r.stat("system.guest.sharing.merged") > 900);
  }

  @Test
  void fragmentationWithCompactionGetsTwoMibPages() {
    Map<String, ?> params = Map.of("fragment", "56 MiB", "region", "8 MiB", "accesses", 200_000);
    Result off = run("fragmentation", params, Map.of("memory-limit", "64 MiB"));
    Result on = run("fragmentation", params, Map.of("memory-limit", "64 MiB", "compaction", "oblivious"));
    assertEquals(0, off.status());
    assertEquals(0, on.status());
    assertTrue(on.stat("system.guest.compaction.collapses") > 0);
    assertTrue(on.stat("system.mmu.tlb-misses") < off.stat("system.mmu.tlb-misses"),
        on.stat("system.mmu.tlb-misses") + " vs " + off.stat("system.mmu.tlb-misses"));
  }
}
