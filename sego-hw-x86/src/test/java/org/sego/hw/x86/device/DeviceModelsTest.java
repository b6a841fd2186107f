package org.sego.hw.x86.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.hw.DeviceModel;
import org.sego.api.plugin.DeviceModelProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.Parameters;
import org.sego.hw.x86.cost.ModernProfile;

class DeviceModelsTest {
  static DeviceModel create(DeviceModelProvider p, Map<String, String> overrides) {
    Map<String, Object> values = new HashMap<>();
    for (Parameter q : p.parameters().parameters()) {
      values.put(q.name(), q.parse(overrides.getOrDefault(q.name(), q.defaultValue())));
    }
    return p.create(new PluginConfig("system.devices.d", new Parameters(values), new ModernProfile().profile(), 1));
  }

  @Test
  void nvmeHasTheIssuesFiguresByDefault() {
    DeviceModel m = create(new NvmeProvider(), Map.of());
    assertEquals(32, m.queueDepth());
    assertEquals(20_000, m.accessNanos(false, 0, 4096, 0));
    // 4 KiB at 3 GB/s is 1366 ns, rounded up.
    assertEquals(1366, m.transferNanos(4096));
  }

  @Test
  void aSequentialDiskRequestPaysNoSeekNorRotation() {
    DeviceModel hdd = create(new HddProvider(), Map.of());
    long first = hdd.accessNanos(false, 1L << 30, 4096, 0);
    long next = hdd.accessNanos(false, (1L << 30) + 4096, 4096, first);
    assertTrue(first > 0, "a random first request seeks and rotates");
    assertEquals(0, next);
  }

  @Test
  void randomDiskSeeksAverageTheGivenFigurePlusHalfARotation() {
    DeviceModel hdd = create(new HddProvider(), Map.of("seek-average", "8 ms", "rpm", "7200"));
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
    long capacity = 2_000_000_000_000L;
    long total = 0;
    int n = 20_000;
    long now = 0;
    for (int i = 0; i < n; i++) {
      long t = hdd.accessNanos(false, rnd.nextLong(capacity / 4096) * 4096, 4096, now);
      now += t + 100_000;
      total += t;
    }
    double meanMs = total / (double) n / 1e6;
    // 8 ms seek + 4.17 ms half rotation at 7200 rpm.
    assertEquals(12.2, meanMs, 0.6, "mean access " + meanMs + " ms");
  }

  @Test
  void aLongerSeekNeverTakesLess() {
    HddModel hdd = (HddModel) create(new HddProvider(), Map.of());
    long prev = 0;
    for (long d = 0; d < 2_000_000_000_000L; d += 37_000_000_000L) {
      long s = hdd.seekNanos(d);
      assertTrue(s >= prev);
      prev = s;
    }
  }
}
