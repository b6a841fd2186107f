package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap is bounded by what is touched, not by what is written: a swap-bound run that writes more
 * than 4× its heap bound to its swap device completes in a JVM started with that bound.
 */
class HeapBoundIT {
  @TempDir
  static Path dir;

  static final long HEAP_MIB = 200;

  @Test
  void aRunWritingFourTimesItsHeapCompletesInIt() throws Exception {
    Path spec = dir.resolve("heap.toml");
    Files.writeString(spec, String.join("\n",
        "[system]", "seed = 3", "memory = \"64 MiB\"",
        "[devices.swap]", "model = \"nvme\"", "size = \"64 MiB\"", "write-cache-size = \"8 MiB\"",
        "[guest]", "name = \"linuxlike\"", "memory-limit = \"16 MiB\"", "swap-device = \"swap\"", "thp = false",
        "[workload]", "name = \"memory-pressure\"", "working-set = \"48 MiB\"", "accesses = 320000",
        "write-permille = 1000", ""));
    Path out = dir.resolve("run");
    PackagedModulePathIT.Outcome o = PackagedModulePathIT.sego(List.of("-Xmx" + HEAP_MIB + "m"), Map.of(), "run",
        spec.toString(), "--out", out.toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    long written = PluginCheckIT.stat(Files.readString(out.resolve("stats.json")), "system.devices.swap.bytes-written");
    assertTrue(written >= 4 * HEAP_MIB << 20, "wrote " + written + " bytes, at least 4x the heap bound of " + HEAP_MIB
        + " MiB");
  }
}
