package org.sego.core.compose;

import java.util.List;
import org.sego.api.Experimental;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;

/** The schemas of the spec's own tables: {@code [system]}, device volumes, {@code [strategy]}. */
@Experimental("composition and lifecycle")
public final class SystemSchema {
  private SystemSchema() {}

  public static final List<String> TABLES = List.of("system", "costs", "strategy", "devices", "guest", "workload");

  static ParameterSchema system(List<String> costProfiles) {
    return ParameterSchema.of(
        Parameter.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE, "", "the run's seed; every random stream derives from it"),
        Parameter.integer("vcpus", 1, 1, 64, "vCPUs", "virtual CPUs, each with its own simulated clock"),
        Parameter.dataSize("memory", "1 GiB", "guest-physical memory; frames hold bytes only once touched"),
        Parameter.dataSize("hypervisor-memory", "64 MiB", "host memory beyond the guest's, for the hypervisor's own frames"),
        Parameter.string("cost-profile", "modern", "CPU, crypto, hypervisor and device-default costs: a profile plug-in ("
            + String.join(", ", costProfiles) + ") or a TOML profile file (*.toml, relative to the spec)"),
        Parameter.duration("time-slice", "1 ms", "simulated time a process runs before another runnable one may take its vCPU"),
        Parameter.integer("tlb-sets", 64, 1, 1 << 16, "sets", "TLB sets (a power of two)"),
        Parameter.integer("tlb-ways", 4, 1, 64, "ways", "TLB associativity"),
        Parameter.bool("trace", false, "write trace.jsonl: every exit, hypercall, fault and block I/O"),
        Parameter.bool("keep-io-data", false, "keep each write's bytes in the volumes' I/O logs, to build crash states "
            + "from them (off: the logs keep each write's block and kind only, and the heap does not grow with what "
            + "is written)"));
  }

  /** Keys every device table has besides its model's parameters. */
  static ParameterSchema volume() {
    return ParameterSchema.of(
        Parameter.dataSize("size", "1 GiB", "capacity of the device's volume"),
        Parameter.dataSize("block-size", "4 KiB", "bytes per block"),
        Parameter.string("image", "", "image file holding the volume (empty: in memory); an existing file is validated, never overwritten"),
        Parameter.bool("write-cache", true, "a volatile write cache: writes are durable only after flush or FUA"),
        Parameter.dataSize("write-cache-size", "64 MiB", "capacity of the volatile write cache (at least one block): beyond it the oldest "
            + "cached writes are destaged to the medium (durable), as a device's firmware does"),
        Parameter.dataSize("atomic-write", "512 B", "bytes written indivisibly; a power failure tears writes at this size"),
        Parameter.choice("access", "guest", "who may address the volume: the guest's block queue, or only the hypervisor",
            "guest", "hypervisor"),
        Parameter.dataSize("hypervisor-region", "0 B", "the end of a guest device kept for the hypervisor (0: none): a "
            + "hypervisor-only device named <device>-hv (for the metadata store) sharing this device's queue, bandwidth and write "
            + "cache; the guest sees the blocks before it"),
        Parameter.dataSize("host-buffer", "0 B", "guest I/O buffered in host memory by the virtual device (0: none): a buffered "
            + "read completes after a host copy, a write is acknowledged after one and destaged in the background; its RAM is counted"));
  }

  static Parameter choice(String name, String def, String description, List<String> choices) {
    return Parameter.choice(name, def, description, choices.toArray(new String[0]));
  }
}
