package org.sego.examples.plugins.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.guest.BlockRequest;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.SystemRun;

/** The example plug-in is discovered and chosen like a built-in one; its headline: seeking costs. */
class TapeDriveProviderTest {
  @Test
  void aTapeIsFoundAndRandomReadsCostFarMoreThanSequentialOnes() {
    assertTrue(PluginRegistry.discover().names(org.sego.api.plugin.PluginKind.DEVICE).contains("tape"));
    long sequential = readAll(new long[] {0, 1, 2, 3, 4, 5, 6, 7});
    long random = readAll(new long[] {7000, 3, 9000, 1, 12000, 5, 200, 15000});
    assertTrue(random > 20 * sequential, "random " + random + " ns, sequential " + sequential + " ns");
  }

  private static long readAll(long[] blocks) {
    SegoSystem s = SegoSystem.builder().memory("16 MiB").device("archive", "tape", Map.of("size", "64 MiB")).build();
    try (SystemRun run = s.start()) {
      var q = run.ports().blocks();
      long[] at = {0};
      int[] i = {0};
      org.sego.api.guest.BlockQueue.Completion[] next = new org.sego.api.guest.BlockQueue.Completion[1];
      next[0] = (id, st, t) -> {
        at[0] = t;
        if (++i[0] < blocks.length) {
          q.submit(BlockRequest.read("archive", blocks[i[0]], 1, 20L << 12), next[0]);
        }
      };
      q.submit(BlockRequest.read("archive", blocks[0], 1, 20L << 12), next[0]);
      run.run();
      assertEquals(blocks.length, run.stats().value("system.devices.archive.reads"));
      return at[0];
    }
  }
}
