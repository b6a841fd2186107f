package org.sego.hw.x86.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sego.api.hw.EptView;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.hw.x86.memory.FrameMemory;
import org.sego.support.Memory64;
import org.sego.support.PageTableWriter;

/**
 * 2 MiB EPT entries: a TLB entry is as large as the smaller of the guest page and the EPT page, and
 * a 4 KiB change inside a 2 MiB EPT entry splinters it.
 */
class LargeEptEntryTest {
  private static final long GUEST = 64L << 20;
  private static final long DATA = 4096; // 2 MiB aligned
  private static final long GVA = 0x4000_0000L;

  private static final class Machine {
    final FrameMemory memory = new FrameMemory(GUEST + (8L << 20));
    final Tlb tlb = new Tlb(64, 4);
    final PageWalkMmu mmu = new PageWalkMmu(memory, tlb);
    final EptViewSet views = new EptViewSet(GUEST >>> 12, tlb);
    long nextTable = 1024;
    final PageTableWriter writer = new PageTableWriter(new Memory64() {
      @Override
      public long load64(long a) {
        return memory.load64(a);
      }

      @Override
      public void store64(long a, long v) {
        memory.store64(a, v);
      }
    }, () -> nextTable++);
    final long root = nextTable++ << 12;

    Machine() {
      writer.map2m(root, GVA, DATA, X86.PTE_RW | X86.PTE_US);
    }

    /** Touches every 4 KiB part of the 2 MiB page once; returns the TLB misses it took. */
    long touchAll(EptView view) {
      long before = mmu.tlbMisses();
      for (long off = 0; off < X86.LARGE_PAGE_SIZE; off += X86.PAGE_SIZE) {
        long r = mmu.translate(root, view, GVA + off, X86.ACCESS_USER);
        assertFalse(Translation.isFault(r), "offset " + off);
      }
      return mmu.tlbMisses() - before;
    }
  }

  @Test
  void aLargeGuestPageOverALargeEptEntryMissesOnceLikeANativeLargePage() {
    Machine m = new Machine();
    assertTrue(m.views.os().isLarge(DATA));
    assertEquals(1, m.touchAll(m.views.os()));
    assertEquals(0, m.touchAll(m.views.os()), "all 512 parts hit the one 2 MiB entry");
    assertEquals(0, m.views.splinters());
  }

  @Test
  void aLargeGuestPageOverSplinteredEptEntriesMissesAsOftenAsSmallPages() {
    Machine m = new Machine();
    EptView os = m.views.os();
    os.setPermissions(DATA + 3, X86.EPT_R | X86.EPT_W);
    assertFalse(os.isLarge(DATA), "a 4 KiB change splinters the 2 MiB entry");
    assertEquals(1, m.views.splinters());
    assertEquals(1, m.views.invalidations());
    long misses = m.touchAll(os);
    // The same 2 MiB of guest memory mapped by 512 4 KiB guest pages, in a fresh machine.
    Machine small = new Machine();
    long root = small.nextTable++ << 12;
    for (int i = 0; i < 512; i++) {
      small.writer.map4k(root, GVA + i * X86.PAGE_SIZE, DATA + i, X86.PTE_RW | X86.PTE_US);
    }
    long before = small.mmu.tlbMisses();
    for (long off = 0; off < X86.LARGE_PAGE_SIZE; off += X86.PAGE_SIZE) {
      small.mmu.translate(root, small.views.os(), GVA + off, X86.ACCESS_USER);
    }
    assertEquals(small.mmu.tlbMisses() - before, misses, "as many misses as 4 KiB guest pages take");
    assertEquals(512, misses, "one TLB entry per 4 KiB part");
  }

  @Test
  void aChangeThatChangesNothingNeitherSplintersNorInvalidates() {
    Machine m = new Machine();
    m.views.os().setPermissions(DATA + 3, X86.EPT_RWX);
    assertTrue(m.views.os().isLarge(DATA));
    assertEquals(0, m.views.splinters());
    assertEquals(0, m.views.invalidations());
  }

  @Test
  void splinteringDropsTheCachedLargeEntrySoTheNewPermissionHolds() {
    Machine m = new Machine();
    EptView os = m.views.os();
    m.touchAll(os);
    os.setPermissions(DATA + 5, X86.EPT_R);
    long r = m.mmu.translate(m.root, os, GVA + 5 * X86.PAGE_SIZE, X86.ACCESS_USER | X86.ACCESS_WRITE);
    assertEquals(Translation.KIND_EPT_VIOLATION, Translation.kind(r));
    assertEquals(DATA + 5, Translation.frame(r));
  }

  @Test
  void aViewMappedWithALargeEntryIsLargeAndSplintersOnAPerPageChange() {
    Machine m = new Machine();
    EptView hap = m.views.create("hap");
    for (long t = 1024; t < m.nextTable; t++) {
      hap.map(t, t, X86.EPT_RWX); // the page tables, read by the walk through this view
    }
    long hfn = GUEST >>> 12; // host frames above guest memory, 2 MiB aligned
    hap.mapLarge(DATA, hfn, X86.EPT_RWX);
    assertTrue(hap.isLarge(DATA));
    assertEquals(1, m.touchAll(hap));
    long hpa = m.mmu.translate(m.root, hap, GVA + 0x1234, X86.ACCESS_USER);
    assertEquals((hfn << X86.PAGE_SHIFT) + 0x1234, hpa);
    hap.unmap(DATA + 511);
    assertFalse(hap.isLarge(DATA));
    assertEquals(1, m.views.splinters());
    assertEquals(Translation.KIND_EPT_VIOLATION,
        Translation.kind(m.mmu.translate(m.root, hap, GVA + 511 * X86.PAGE_SIZE, X86.ACCESS_USER)));
  }

  @Test
  void invalidatingAPageDropsAllPartsOfALargePageButNoNeighbouringSmallPage() {
    Machine m = new Machine();
    EptView os = m.views.os();
    os.setPermissions(DATA + 3, X86.EPT_R | X86.EPT_W); // splinter: the large page is cached in 4 KiB parts
    m.touchAll(os);
    long small = 0x8000_0000L;
    m.writer.map4k(m.root, small, DATA + 1024, X86.PTE_RW | X86.PTE_US);
    m.writer.map4k(m.root, small + X86.PAGE_SIZE, DATA + 1025, X86.PTE_RW | X86.PTE_US);
    m.mmu.translate(m.root, os, small, X86.ACCESS_USER);
    m.mmu.translate(m.root, os, small + X86.PAGE_SIZE, X86.ACCESS_USER);
    m.mmu.invalidatePage(m.root, small);
    long misses = m.mmu.tlbMisses();
    m.mmu.translate(m.root, os, small + X86.PAGE_SIZE, X86.ACCESS_USER);
    assertEquals(misses, m.mmu.tlbMisses(), "the neighbouring 4 KiB page's entry stayed");
    for (int part = 0; part < 32; part++) { // 32 parts: they fit in the TLB together
      m.mmu.translate(m.root, os, GVA + part * X86.PAGE_SIZE, X86.ACCESS_USER);
    }
    long before = m.mmu.tlbMisses();
    for (int part = 0; part < 32; part++) {
      m.mmu.translate(m.root, os, GVA + part * X86.PAGE_SIZE, X86.ACCESS_USER);
    }
    assertEquals(before, m.mmu.tlbMisses(), "the parts are cached");
    m.mmu.invalidatePage(m.root, GVA + 7 * X86.PAGE_SIZE);
    for (int part = 0; part < 32; part++) {
      m.mmu.translate(m.root, os, GVA + part * X86.PAGE_SIZE, X86.ACCESS_USER);
    }
    assertEquals(before + 32, m.mmu.tlbMisses(), "every part of the large page went with the one invalidated");
  }
}
