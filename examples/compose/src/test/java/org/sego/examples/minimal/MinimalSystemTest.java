package org.sego.examples.minimal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's headline: depth 1 is latency-bound, depth 32 approaches the 3 GB/s channel. */
class MinimalSystemTest {
  @TempDir
  Path dir;

  @Test
  void depthOneIsLatencyBoundAndDepth32ReachesTheChannel() throws Exception {
    org.sego.core.run.DiskProbe.Result qd1 = MinimalSystem.measure(1, 2000, dir.resolve("qd1"));
    org.sego.core.run.DiskProbe.Result qd32 = MinimalSystem.measure(32, 2000, null);
    // 4096 B / (20 us + 1.37 us) = 191.7 MB/s; never above 4096 B / 20 us = 204.8 MB/s.
    assertTrue(qd1.megabytesPerSecond() <= 204.8 && qd1.megabytesPerSecond() > 185, "qd1 " + qd1.megabytesPerSecond());
    assertTrue(qd32.megabytesPerSecond() > 2500 && qd32.megabytesPerSecond() <= 3000, "qd32 " + qd32.megabytesPerSecond());
    assertTrue(Files.readString(dir.resolve("qd1/config.json")).contains("\"nvme\""));
    assertTrue(Files.readString(dir.resolve("qd1/stats.json")).contains("system.devices.disk.reads"));
  }
}
