package org.sego.examples.minimal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.sego.core.SegoSystem;
import org.sego.core.run.DiskProbe;

/**
 * A minimal system composed in Java: no protection, one NVMe disk. It drives the disk through the
 * guest's block queue with 4 KiB reads at queue depth 1 and at depth 32, and reports throughput:
 * depth 1 is bound by latency (4 KiB / 21.4 us, about 190 MB/s), depth 32 by the channel (3 GB/s).
 *
 * <p>The same measurement from the command line: {@code ./sego probe examples/specs/minimal.toml}.
 */
public final class MinimalSystem {
  private MinimalSystem() {}

  public static SegoSystem system() {
    return SegoSystem.builder()
        .seed(42)
        .memory("64 MiB")
        .costProfile("modern")
        .strategy("none")
        .device("disk", "nvme", Map.of("size", "64 MiB"))
        .build();
  }

  /** Reads {@code requests} 4 KiB blocks keeping {@code depth} in flight; writes a run folder if {@code outDir}. */
  public static DiskProbe.Result measure(int depth, int requests, Path outDir) {
    return DiskProbe.run(system(), "disk", depth, requests, 1, false, false, outDir);
  }

  public static void main(String[] args) {
    Path out = args.length > 0 ? Path.of(args[0]) : null;
    for (int depth : new int[] {1, 32}) {
      DiskProbe.Result r = measure(depth, 4096, out == null ? null : out.resolve("qd" + depth));
      System.out.printf(Locale.ROOT, "nvme, 4 KiB reads, queue depth %2d: %7.1f MB/s (%d ns simulated)%n", depth,
          r.megabytesPerSecond(), r.completionNanos());
    }
  }
}
