package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sego.api.posix.Mman;

/** 2 MiB pages where an aligned range allows, and what they buy: fewer TLB misses. */
class HugePageTest {
  static long tlbMisses(boolean thp) {
    Guest.Outcome o = Guest.run(Guest.system(Map.of("thp", thp)), u -> {
      long len = 16L << 20;
      long raw = u.syscalls().mmap(0, len + (2L << 20), Mman.PROT_READ | Mman.PROT_WRITE,
          Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      long a = (raw + (2L << 20) - 1) & ~((2L << 20) - 1);
      SplittableRandom r = new SplittableRandom(5);
      for (int i = 0; i < 200_000; i++) {
        long off = (r.nextLong(len) & ~7L);
        u.store64(a + off, off);
      }
    });
    assertEquals(0, o.status());
    if (thp) {
      assertEquals(8, o.stat("system.guest.mm.huge-faults"), "eight aligned 2 MiB ranges");
    } else {
      assertEquals(0, o.stat("system.guest.mm.huge-faults"));
    }
    return o.stat("system.mmu.tlb-misses");
  }

  @Test
  void twoMibPagesCutTlbMisses() {
    long small = tlbMisses(false);
    long huge = tlbMisses(true);
    assertTrue(huge * 10 < small, "TLB misses with 2 MiB pages " + huge + ", with 4 KiB pages " + small);
  }
}
