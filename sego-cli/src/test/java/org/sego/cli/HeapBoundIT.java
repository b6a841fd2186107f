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
 * The heap is bounded by what is touched, not by what is written or by the guest's size: a
 * swap-bound run that writes more than 4× its heap bound to its swap device completes in a JVM
 * started with that bound; so do a 16 GiB guest that touches 256 MiB, and a 256 MiB working set
 * swapped under a 32 MiB memory limit to a device on an image file, each in {@code -Xmx400m}.
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

  /** Runs the spec made of {@code lines} in a JVM started with {@code heap}; returns its stats.json, after checking it exited 0. */
  private static String runIn(String heap, String name, String... lines) throws Exception {
    Path spec = dir.resolve(name + ".toml");
    Files.writeString(spec, String.join("\n", lines) + "\n");
    Path out = dir.resolve(name);
    PackagedModulePathIT.Outcome o = PackagedModulePathIT.sego(List.of("-Xmx" + heap), Map.of(), "run", spec.toString(),
        "--out", out.toString());
    assertEquals(0, o.exit(), o.out() + o.err());
    return Files.readString(out.resolve("stats.json"));
  }

  @Test
  void aSixteenGibGuestTouchingQuarterOfAGibRunsInFourHundredMib() throws Exception {
    String stats = runIn("400m", "big",
        "[system]", "seed = 5", "memory = \"16 GiB\"",
        "[guest]", "name = \"linuxlike\"", "thp = false",
        "[workload]", "name = \"memory-pressure\"", "working-set = \"256 MiB\"", "accesses = 65536");
    assertTrue(PluginCheckIT.stat(stats, "system.memory.resident-frames") >= (256L << 20) / 4096,
        "the workload touched its 256 MiB");
  }

  @Test
  void aQuarterGibSwapBoundWorkingSetRunsInFourHundredMibWithSwapOnAnImage() throws Exception {
    String stats = runIn("400m", "swapbound",
        "[system]", "seed = 6", "memory = \"256 MiB\"",
        "[devices.swap]", "model = \"nvme\"", "size = \"512 MiB\"", "write-cache-size = \"8 MiB\"",
        "image = \"swap.img\"",
        "[guest]", "name = \"linuxlike\"", "memory-limit = \"32 MiB\"", "swap-device = \"swap\"", "thp = false",
        "[workload]", "name = \"memory-pressure\"", "working-set = \"256 MiB\"", "accesses = 65536");
    assertTrue(PluginCheckIT.stat(stats, "system.guest.swap.ins") > 0, "swap-bound");
    assertTrue(PluginCheckIT.stat(stats, "system.devices.swap.bytes-written") >= 224L << 20,
        "at least the working set beyond the memory limit went to swap");
  }
}
