package org.sego.bench;

import java.util.Map;
import org.openjdk.jmh.annotations.Param;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * The steady round trip of {@link SteadyRoundTripBenchmark} made by a HAP whose pages are secure
 * memory ({@code allocateSecure}), under {@code none} (the library runs it unprotected) and under
 * {@code sego} (each swap-out and swap-in a tagged hypercall, each page-table change paraverified,
 * each released frame scrubbed), in one JMH run: the target is sego at most 1.5x none.
 */
public class SegoRoundTripBenchmark extends SteadyRoundTripBenchmark {
  @Param({"none", "sego"})
  public String strategy;

  @Override
  SegoSystem system() {
    return SegoSystem.builder().memory("64 MiB").seed(1).strategy(strategy)
        .device("swap", "nvme", Map.of("size", "64 MiB"))
        .device("hvstore", "sata-ssd", Map.of("size", "16 MiB", "access", "hypervisor"))
        .guest("linuxlike", Map.of("memory-limit", "8 MiB", "swap-device", "swap", "thp", false, "sharing", "off",
            "compaction", "off"))
        .build();
  }

  @Override
  void startProcess(SystemRun run) {
    run.startHap(t -> cycle(t.user(), t.allocateSecure((long) RoundTripBenchmark.PAGES << 12)), (pid, label, value) -> {});
  }
}
