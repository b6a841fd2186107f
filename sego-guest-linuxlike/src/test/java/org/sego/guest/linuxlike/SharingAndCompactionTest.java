package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sego.api.posix.Mman;
import org.sego.api.sim.UserContext;

/** Page sharing merges and splits with data intact; compaction builds 2 MiB ranges the workload then uses. */
class SharingAndCompactionTest {
  private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

  static void fill(byte[] page, int content) {
    new SplittableRandom(content).nextBytes(page);
  }

  static void idle(UserContext u, long nanos) {
    long until = u.syscalls().clockNanos() + nanos;
    while (u.syscalls().clockNanos() < until) {
      u.compute(30_000);
    }
  }

  static Guest.Outcome sharing(String mode) {
    return Guest.run(Guest.system(Map.of("sharing", mode, "sharing-pages", 512, "thp", false)), u -> {
      var s = u.syscalls();
      int pages = 1024;
      long a = s.mmap(0, pages * 4096L, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      byte[] page = new byte[4096];
      byte[] back = new byte[4096];
      for (int i = 0; i < pages; i++) {
        fill(page, i % 8);
        u.write(a + i * 4096L, page, 0, 4096);
      }
      idle(u, 20_000_000);
      int bad = 0;
      for (int i = 0; i < pages; i++) {
        fill(page, i % 8);
        u.read(a + i * 4096L, back, 0, 4096);
        bad += java.util.Arrays.equals(page, back) ? 0 : 1;
      }
      for (int i = 0; i < pages; i += 2) {
        u.store64(a + i * 4096L, -i);
      }
      for (int i = 0; i < pages; i++) {
        fill(page, i % 8);
        if (i % 2 == 0) {
          ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -i);
        }
        u.read(a + i * 4096L, back, 0, 4096);
        bad += java.util.Arrays.equals(page, back) ? 0 : 1;
      }
      s.exit(Math.min(bad, 255));
    });
  }

  @Test
  void sharingMergesIdenticalPagesAndAWriteSplitsThemWithDataIntact() {
    Guest.Outcome o = sharing("oblivious");
    assertEquals(0, o.status());
    assertTrue(o.stat("system.guest.sharing.merged") >= 1000, "merged " + o.stat("system.guest.sharing.merged"));
    assertTrue(o.stat("system.guest.mm.cow-copies") >= 500, "writes split shared pages");
    Guest.Outcome off = sharing("off");
    assertEquals(0, off.status());
    assertEquals(0, off.stat("system.guest.mm.cow-copies"), "no page was shared, so no write had to split one");
    assertTrue(!off.run().stats().has("system.guest.sharing.scanned"), "with sharing off no scanner runs");
  }

  @Test
  void awareSharingUnderNoneReadsPagesItselfAndNothingIsRefused() {
    Guest.Outcome o = sharing("aware");
    assertEquals(0, o.status());
    assertTrue(o.stat("system.guest.sharing.merged") >= 1000);
    assertEquals(0, o.stat("system.guest.sharing.refused"));
  }

  static Guest.Outcome fragmentation(String compaction) {
    return Guest.run(Guest.system(Map.of("compaction", compaction, "memory-limit", "48 MiB")), u -> {
      var s = u.syscalls();
      long chunk = 1L << 20;
      int chunks = 44;
      long[] c = new long[chunks];
      for (int i = 0; i < chunks; i++) {
        c[i] = s.mmap(0, chunk, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        for (long off = 0; off < chunk; off += 4096) {
          u.store64(c[i] + off, off + i);
        }
      }
      for (int i = 0; i < chunks; i++) {
        for (long off = 0; off < chunk; off += 8192) {
          s.munmap(c[i] + off, 4096);
        }
      }
      long region = 8L << 20;
      long raw = s.mmap(0, region + (2L << 20), RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      long a = (raw + (2L << 20) - 1) & ~((2L << 20) - 1);
      for (long off = 0; off < region; off += 4096) {
        u.store64(a + off, off);
      }
      idle(u, 40_000_000);
      SplittableRandom r = new SplittableRandom(9);
      int bad = 0;
      for (int n = 0; n < 300_000; n++) {
        long off = r.nextLong(region) & ~4095L;
        bad += u.load64(a + off) == off ? 0 : 1;
      }
      for (int i = 0; i < chunks; i++) {
        for (long off = 4096; off < chunk; off += 8192) {
          bad += u.load64(c[i] + off) == off + i ? 0 : 1;
        }
      }
      s.exit(Math.min(bad, 255));
    });
  }

  @Test
  void compactionBuildsTwoMibRangesThatCutTlbMisses() {
    Guest.Outcome off = fragmentation("off");
    Guest.Outcome on = fragmentation("oblivious");
    assertEquals(0, off.status());
    assertEquals(0, on.status());
    assertTrue(on.stat("system.guest.compaction.collapses") >= 2, "collapses " + on.stat("system.guest.compaction.collapses"));
    assertTrue(on.stat("system.guest.compaction.migrated") > 0, "pages migrated");
    assertTrue(on.stat("system.mmu.tlb-misses") < off.stat("system.mmu.tlb-misses") / 2,
        "TLB misses with compaction " + on.stat("system.mmu.tlb-misses") + ", without " + off.stat("system.mmu.tlb-misses"));
  }
}
