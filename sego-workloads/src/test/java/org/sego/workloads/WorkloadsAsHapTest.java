package org.sego.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * Every built-in workload runs as a HAP ({@code as-hap = true}) on the trusted library: each system
 * call interposed, its anonymous memory asked to be protected, its regular files secure files. Under
 * {@code none} (which refuses the registration) it must behave exactly as the plain process does.
 */
class WorkloadsAsHapTest {
  record Outcome(int status, long hypercalls, long fileMaps, long completion) {}

  static Outcome run(String workload, Map<String, ?> params, Map<String, ?> guest, boolean asHap) {
    Map<String, Object> w = new LinkedHashMap<>(params);
    SegoSystem.Builder b = SegoSystem.builder().memory("128 MiB").seed(11)
        .device("swap", "nvme", Map.of("size", "128 MiB")).device("disk", "nvme", Map.of("size", "64 MiB"))
        .guest("linuxlike", guest).workload(workload, w);
    SegoSystem s = b.workloadAsHap(asHap).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startWorkload();
      run.run();
      return new Outcome(run.exitStatuses().get(pid), run.stats().value("system.hv.hypercalls"),
          run.stats().value("system.guest.mm.file-faults"), run.simulation().completionNanos());
    }
  }

  static Stream<Arguments> workloads() {
    return Stream.of(
        Arguments.of("memory-pressure", Map.of("working-set", "12 MiB"), Map.of("memory-limit", "6 MiB", "swap-device", "swap")),
        Arguments.of("fork-cow", Map.of("children", 3, "size", "1 MiB"), Map.of()),
        Arguments.of("page-sharing", Map.of("pages", 512, "distinct", 4), Map.of("sharing", "oblivious", "thp", false)),
        Arguments.of("fragmentation", Map.of("fragment", "24 MiB", "region", "4 MiB", "accesses", 20_000),
            Map.of("memory-limit", "32 MiB", "compaction", "oblivious")),
        Arguments.of("file-heavy", Map.of("files", 12, "file-size", "96 KiB"), Map.of("fs-device", "disk")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("workloads")
  void aBuiltInWorkloadRunsAsAHapAndExitsAsThePlainProcessDoes(String workload, Map<String, ?> params,
      Map<String, ?> guest) {
    Outcome plain = run(workload, params, guest, false);
    Outcome hap = run(workload, params, guest, true);
    assertEquals(0, plain.status());
    assertEquals(0, hap.status(), "the HAP's self-check");
    assertEquals(0, plain.hypercalls(), "a plain process makes no hypercall");
    assertTrue(hap.hypercalls() > 0, "every system call of the HAP is interposed: " + hap.hypercalls());
    if (workload.equals("file-heavy")) {
      assertTrue(hap.fileMaps() > 0, "secure-file data moves through mapped pages of the file");
      assertEquals(0, plain.fileMaps());
    }
  }
}
