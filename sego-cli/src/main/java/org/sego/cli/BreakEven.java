package org.sego.cli;

import java.util.List;
import java.util.Map;
import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.experiment.Experiment;

/**
 * The break-even sweep: {@code file-io} (queue depth 1, sequential) on an NVMe device whose bandwidth
 * is swept, under {@code modern}, for every strategy compared; and the crypto ceiling a strategy
 * that encrypts and hashes every byte cannot pass: one core's AES-GCM and SHA-256 in series, from the
 * cost profile. Where a run's throughput would exceed the ceiling, an encrypt-and-hash system turns
 * from device-bound to crypto-bound.
 */
final class BreakEven {
  static final List<Object> BANDWIDTHS = List.of("100 MB/s", "250 MB/s", "500 MB/s", "1 GB/s", "2 GB/s", "4 GB/s", "8 GB/s");
  static final String KEY = "devices.disk.bandwidth";
  static final String PROFILE = "modern";

  private BreakEven() {}

  static Experiment experiment(PluginRegistry registry, List<String> strategies, long seed, boolean quick) {
    Experiment.WorkloadEntry w = ComparePlan.workload(registry, "file-io", quick);
    return new Experiment(ComparePlan.base(), List.of(w), strategies, List.of("nvme"), ComparePlan.DEVICE_TABLES,
        List.of(PROFILE), List.of(new Experiment.Sweep(KEY, BANDWIDTHS, List.of())), seed);
  }

  /**
   * The paper's S-file setting: {@code file-io} on a disk and an SSD under {@code paper-2015}, with
   * S-file writes synced each ({@code sfile-sync = write}, our default) and at fsync only.
   */
  static Experiment paperSetting(PluginRegistry registry, List<String> strategies, long seed, boolean quick) {
    Experiment.WorkloadEntry w = ComparePlan.workload(registry, "file-io", quick);
    return new Experiment(ComparePlan.base(), List.of(w), strategies, List.of("hdd", "sata-ssd"), ComparePlan.DEVICE_TABLES,
        List.of("paper-2015"), List.of(new Experiment.Sweep("strategy.sfile-sync", List.of("write", "fsync"), List.of())), seed);
  }

  /** Bytes per second one core encrypts (AES-GCM) and hashes (SHA-256) under {@code profile}, each figure times its factor. */
  static double ceiling(CostProfile profile, double aesFactor, double shaFactor) {
    double aes = profile.bandwidth(CostProfile.CRYPTO_AES_GCM).bytesPerSecond() * aesFactor;
    double sha = profile.bandwidth(CostProfile.CRYPTO_SHA256).bytesPerSecond() * shaFactor;
    return 1 / (1 / aes + 1 / sha);
  }

  static CostProfile profile(PluginRegistry registry, String name) {
    return ((CostProfileProvider) registry.find(PluginKind.COST_PROFILE, name).orElseThrow()).profile();
  }

  /** A bandwidth text ("500 MB/s") in bytes per second. */
  static double bytesPerSecond(Object text) {
    return org.sego.api.units.Bandwidth.parse(String.valueOf(text)).bytesPerSecond();
  }

  static Map<String, Double> factors() {
    return Map.of("x0.5", 0.5, "x1", 1.0, "x2", 2.0);
  }
}
