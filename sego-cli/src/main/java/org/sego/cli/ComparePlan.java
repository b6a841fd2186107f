package org.sego.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.experiment.Experiment;

/**
 * The comparison {@code sego compare} runs without arguments: the paper's question on its hardware
 * and today's. One system for every cell (a Linux-like guest under a small memory limit, so the
 * workloads' data outgrows it; swap, file system and the hypervisor's store each on a device of the
 * cell's model), the paper-like workloads as HAPs, every installed strategy.
 */
final class ComparePlan {
  static final List<String> WORKLOADS = List.of("graph", "file-io", "postmark", "wiki", "ldap", "sharing", "compaction");
  static final List<String> DEVICES = List.of("hdd", "sata-ssd", "nvme");
  static final List<String> PROFILES = List.of("paper-2015", "modern");
  static final List<String> DEVICE_TABLES = List.of("swap", "disk", "hvstore");
  /** The guest's memory limit in every cell (workloads are sized against it; see their regime lines). */
  static final String MEMORY_LIMIT = "6 MiB";
  /**
   * Guest parameters a workload needs beyond the base system: the page-sharing scanner and the
   * compaction daemon run only for the workloads about them (elsewhere they would only add their
   * periodic scans to every cell's time).
   */
  static final Map<String, Map<String, Object>> GUEST = Map.of(
      "sharing", Map.of("sharing", "aware"),
      "compaction", Map.of("memory-limit", "16 MiB", "compaction", "aware"));

  private ComparePlan() {}

  static Map<String, Object> base() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("system", new LinkedHashMap<>(Map.of("memory", "128 MiB")));
    Map<String, Object> devices = new LinkedHashMap<>();
    devices.put("swap", new LinkedHashMap<>(Map.of("size", "64 MiB")));
    devices.put("disk", new LinkedHashMap<>(Map.of("size", "128 MiB")));
    devices.put("hvstore", new LinkedHashMap<>(Map.of("size", "64 MiB", "access", "hypervisor")));
    t.put("devices", devices);
    Map<String, Object> guest = new LinkedHashMap<>();
    guest.put("name", "linuxlike");
    guest.put("memory-limit", MEMORY_LIMIT);
    guest.put("swap-device", "swap");
    guest.put("fs-device", "disk");
    guest.put("sharing", "off");
    guest.put("compaction", "off");
    t.put("guest", guest);
    return t;
  }

  /** A workload entry at its default or quick size, as a HAP. */
  static Experiment.WorkloadEntry workload(PluginRegistry registry, String name, boolean quick) {
    var p = registry.find(PluginKind.WORKLOAD, name).orElseThrow(() -> new SegoCommand.UserError(
        "--workloads " + name + ": no such workload; accepted: " + SegoCommand.join(registry.names(PluginKind.WORKLOAD))));
    Map<String, Object> params = quick ? ((WorkloadProvider) p).quickParameters() : Map.of();
    return new Experiment.WorkloadEntry(name, params, true, GUEST.getOrDefault(name, Map.of()));
  }

  static Experiment experiment(PluginRegistry registry, List<String> workloads, List<String> strategies,
      List<String> devices, List<String> profiles, List<Experiment.Sweep> sweeps, long seed, boolean quick) {
    List<Experiment.WorkloadEntry> w = new ArrayList<>();
    for (String n : workloads) {
      w.add(workload(registry, n, quick));
    }
    return new Experiment(base(), w, strategies, devices, DEVICE_TABLES, profiles, sweeps, seed);
  }
}
