package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.hap.HapProgram;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.SystemRun;

/**
 * Sharing's scope: two HAPs hold the same 8 pages (each page different from the others of its
 * HAP). With {@code sharing = across-haps} the hypervisor merges them across the HAPs, with the
 * default {@code within-hap} it refuses; either way each HAP reads its data back, and after it
 * writes a page (a copy-on-write split) reads the new bytes while the other keeps the old.
 */
class SegoSharingTest {
  /** Few enough that the kernel's window of recent candidates holds each page's twin in the other HAP. */
  static final int PAGES = 8;

  static final HapProgram SAME_PAGES = t -> {
    long base = t.allocateSecure(PAGES * 4096L);
    byte[] page = new byte[4096];
    ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < PAGES; i++) {
      for (int w = 0; w < 512; w++) {
        b.putLong(8 * w, 0x5A5A_0000_0000L | (long) i << 16 | w);
      }
      t.user().write(base + 4096L * i, page, 0, page.length);
    }
    long until = t.syscalls().clockNanos() + 40_000_000;
    while (t.syscalls().clockNanos() < until) {
      t.syscalls().yield();
    }
    int bad = 0;
    if (t.user().pid() % 2 == 0) {
      t.user().store64(base, 7); // a split
    }
    for (int i = 0; i < PAGES; i++) {
      for (int w = 0; w < 512; w += 64) {
        long want = i == 0 && w == 0 && t.user().pid() % 2 == 0 ? 7 : 0x5A5A_0000_0000L | (long) i << 16 | w;
        bad += t.user().load64(base + 4096L * i + 8L * w) == want ? 0 : 1;
      }
    }
    t.syscalls().exit(Math.min(bad, 255));
  };

  static SystemRun run(String strategy, Map<String, ?> params) {
    SegoSystem s = SegoSystem.builder(PluginRegistry.discover()).memory("128 MiB").seed(8).strategy(strategy, params)
        .guest("linuxlike", Map.of("sharing", "aware", "thp", false)).build();
    SystemRun run = s.start();
    run.bootGuest();
    run.startHap(SAME_PAGES, (p, l, v) -> {});
    run.startHap(SAME_PAGES, (p, l, v) -> {});
    run.run();
    return run;
  }

  @Test
  void acrossHapsMergesTheirIdenticalPagesWithinHapDoesNot() {
    try (SystemRun none = run("none", Map.of()); SystemRun across = run("sego", Map.of("sharing", "across-haps"));
        SystemRun within = run("sego", Map.of())) {
      for (SystemRun r : new SystemRun[] {none, across, within}) {
        assertEquals(Map.of(1, 0, 2, 0), r.exitStatuses(), "each HAP read its own data back");
        assertEquals(0, r.stats().value("system.hv.violations"));
      }
      assertTrue(across.stats().value("system.strategy.shares") >= PAGES / 2, "merged across the HAPs: "
          + across.stats().value("system.strategy.shares"));
      assertEquals(0, within.stats().value("system.strategy.shares"), "no page of a HAP equals another of its own");
      assertTrue(within.stats().value("system.guest.hypercalls.share-pages-refused") > 0);
    }
  }
}
