package org.sego.hw.x86.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.hw.EptView;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.hw.x86.memory.FrameMemory;
import org.sego.support.Memory64;
import org.sego.support.PageTableWriter;
import org.sego.support.SeededCases;

/**
 * The walker, the EPT and the TLB against a reference map: random 4 KiB and 2 MiB mappings with
 * random permissions in two address spaces, random accesses, and random changes (unmap, permission
 * change, EPT change) each followed by the invalidation the kernel or hypervisor would issue.
 */
class PageWalkMmuTest {
  private static final long GUEST = 128L << 20;
  private static final long TABLE_REGION = 1024; // first frame used for page tables
  private static final long DATA_REGION = 4096; // first frame used for data (4 MiB, so 2 MiB aligned)

  static LongStream seeds() {
    return SeededCases.seeds(0x5E60_0001L, 120);
  }

  /** What the reference expects for one page: frame, leaf flags, and whether it is a 2 MiB page. */
  private record Ref(long frame, long flags, boolean large) {}

  private static final class Machine {
    final FrameMemory memory = new FrameMemory(GUEST);
    final Tlb tlb = new Tlb(8, 2);
    final PageWalkMmu mmu = new PageWalkMmu(memory, tlb);
    final EptViewSet views = new EptViewSet(GUEST >>> 12, tlb);
    long nextTable = TABLE_REGION;
    final Memory64 phys = new Memory64() {
      @Override
      public long load64(long a) {
        return memory.load64(a);
      }

      @Override
      public void store64(long a, long v) {
        memory.store64(a, v);
      }
    };
    final PageTableWriter writer = new PageTableWriter(phys, () -> nextTable++);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void translationsMatchTheReferenceMap(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Machine m = new Machine();
    long[] roots = {m.nextTable++ << 12, m.nextTable++ << 12};
    List<java.util.Set<Long>> largeRegions = List.of(new java.util.HashSet<>(), new java.util.HashSet<>());
    List<java.util.Set<Long>> smallRegions = List.of(new java.util.HashSet<>(), new java.util.HashSet<>());
    List<Map<Long, Ref>> refs = List.of(new HashMap<>(), new HashMap<>());
    List<Long> candidates = new ArrayList<>();
    long nextData = DATA_REGION;
    // A HAP-like view: tables readable and writable, data frames with random EPT permissions.
    EptView hapView = m.views.create("hap");
    Map<Long, Integer> hapPerms = new HashMap<>();
    for (int as = 0; as < 2; as++) {
      for (int i = 0; i < 60; i++) {
        long flags = X86.PTE_P | (rnd.nextInt(4) != 0 ? X86.PTE_RW : 0) | (rnd.nextInt(5) != 0 ? X86.PTE_US : 0)
            | (rnd.nextInt(3) == 0 ? X86.PTE_NX : 0);
        boolean large = rnd.nextInt(12) == 0;
        long region = rnd.nextInt(4) * (1L << 39) + rnd.nextInt(8) * (1L << 30) + rnd.nextInt(64) * X86.LARGE_PAGE_SIZE;
        if (large) {
          if (largeRegions.get(as).contains(region) || smallRegions.get(as).contains(region)) {
            continue;
          }
          nextData = (nextData + 511) & ~511L;
          if (nextData + 512 >= GUEST >>> 12) {
            continue;
          }
          m.writer.map2m(roots[as], region, nextData, flags);
          largeRegions.get(as).add(region);
          for (int p = 0; p < 512; p++) {
            refs.get(as).put((region >>> 12) + p, new Ref(nextData + p, flags, true));
          }
          for (int p = 0; p < 512; p += 97) {
            candidates.add(region + ((long) p << 12));
          }
          nextData += 512;
        } else {
          long gva = region + ((long) rnd.nextInt(512) << 12);
          if (refs.get(as).containsKey(gva >>> 12) || largeRegions.get(as).contains(region)) {
            continue;
          }
          m.writer.map4k(roots[as], gva, nextData, flags);
          smallRegions.get(as).add(region);
          refs.get(as).put(gva >>> 12, new Ref(nextData, flags, false));
          candidates.add(gva);
          candidates.add(gva + X86.PAGE_SIZE); // often unmapped
          nextData++;
        }
      }
    }
    for (long f = TABLE_REGION; f < m.nextTable; f++) {
      hapView.map(f, f, X86.EPT_R | X86.EPT_W);
    }
    for (long f = DATA_REGION; f < nextData; f++) {
      int perms = rnd.nextInt(8);
      hapView.map(f, f, perms);
      hapPerms.put(f, perms);
    }

    for (int step = 0; step < 3000; step++) {
      int as = rnd.nextInt(2);
      long gva = candidates.get(rnd.nextInt(candidates.size())) + rnd.nextInt(X86.PAGE_SIZE);
      int access = (rnd.nextBoolean() ? X86.ACCESS_WRITE : 0) | (rnd.nextInt(4) != 0 ? X86.ACCESS_USER : 0)
          | (rnd.nextInt(6) == 0 ? X86.ACCESS_EXEC : 0);
      if ((access & X86.ACCESS_EXEC) != 0) {
        access &= ~X86.ACCESS_WRITE;
      }
      boolean useHap = rnd.nextInt(4) == 0;
      EptView view = useHap ? hapView : m.views.os();
      long expected = expect(refs.get(as).get(gva >>> 12), gva, access, useHap ? hapPerms : null);
      long actual = m.mmu.translate(roots[as], view, gva, access);
      assertEquals(Translation.describe(expected), Translation.describe(actual),
          "seed " + seed + " step " + step + ": as " + as + " gva 0x" + Long.toHexString(gva) + " access " + access
              + " view " + view.name());
      if (!Translation.isFault(actual)) {
        checkAccessedDirty(m, roots[as], gva, access);
      }
      int change = rnd.nextInt(40);
      if (change == 0) {
        // Unmap a 4 KiB page, then invlpg.
        long victim = candidates.get(rnd.nextInt(candidates.size()));
        Ref r = refs.get(as).get(victim >>> 12);
        if (r != null && !r.large()) {
          m.writer.unmap(roots[as], victim);
          m.mmu.invalidatePage(roots[as], victim);
          refs.get(as).remove(victim >>> 12);
        }
      } else if (change == 1) {
        // Change the permissions of a 4 KiB page, then invlpg.
        long victim = candidates.get(rnd.nextInt(candidates.size()));
        Ref r = refs.get(as).get(victim >>> 12);
        if (r != null && !r.large()) {
          long flags = X86.PTE_P | (rnd.nextBoolean() ? X86.PTE_RW : 0) | (rnd.nextBoolean() ? X86.PTE_US : 0);
          m.writer.map4k(roots[as], victim, r.frame(), flags);
          m.mmu.invalidatePage(roots[as], victim);
          refs.get(as).put(victim >>> 12, new Ref(r.frame(), flags, false));
        }
      } else if (change == 2) {
        // Change a data frame's EPT permissions in the HAP view: the EPT change invalidates by itself.
        long f = DATA_REGION + rnd.nextLong(Math.max(1, nextData - DATA_REGION));
        int perms = rnd.nextInt(8);
        hapView.setPermissions(f, perms);
        hapPerms.put(f, perms);
      }
    }
    assertTrue(m.mmu.tlbHits() > 0 && m.mmu.tlbMisses() > 0, "seed " + seed + ": both TLB hits and misses happen");
  }

  /** The reference answer: the hpa, a page fault with its error code, or an EPT violation. */
  private static long expect(Ref r, long gva, int access, Map<Long, Integer> hapPerms) {
    int errAccess = access & (X86.PF_W | X86.PF_U | X86.PF_I);
    if (r == null) {
      return Translation.pageFault(errAccess);
    }
    boolean write = (access & X86.ACCESS_WRITE) != 0;
    boolean user = (access & X86.ACCESS_USER) != 0;
    boolean exec = (access & X86.ACCESS_EXEC) != 0;
    if ((write && (r.flags() & X86.PTE_RW) == 0) || (user && (r.flags() & X86.PTE_US) == 0)
        || (exec && (r.flags() & X86.PTE_NX) != 0)) {
      return Translation.pageFault(errAccess | X86.PF_P);
    }
    long gpa = (r.frame() << 12) | (gva & X86.PAGE_MASK);
    if (hapPerms != null) {
      int perms = hapPerms.get(r.frame());
      int required = X86.eptRequired(access);
      if ((perms & required) != required) {
        return Translation.eptViolation(r.frame(),
            X86.eptNeed(access) | (perms << Translation.EPT_Q_ALLOWED_SHIFT) | Translation.EPT_Q_FINAL);
      }
    }
    return gpa;
  }

  /** After a successful access the leaf entry has A set, and D set for a write. */
  private static void checkAccessedDirty(Machine m, long cr3, long gva, int access) {
    long table = cr3 & X86.PTE_ADDR;
    for (int level = 4; level >= 1; level--) {
      long e = m.memory.load64(table + 8L * X86.tableIndex(gva, level));
      assertTrue((e & X86.PTE_A) != 0, "accessed bit at level " + level);
      if (level == 1 || (e & X86.PTE_PS) != 0) {
        if ((access & X86.ACCESS_WRITE) != 0) {
          assertTrue((e & X86.PTE_D) != 0, "dirty bit after a write");
        }
        return;
      }
      table = e & X86.PTE_ADDR;
    }
  }

  @Test
  void aTlbHitServesARepeatedTranslationWithoutAWalk() {
    Machine m = new Machine();
    long root = m.nextTable++;
    m.writer.map4k(root << 12, 0x40_0000L, DATA_REGION, X86.PTE_RW | X86.PTE_US);
    long first = m.mmu.translate(root << 12, m.views.os(), 0x40_0123L, X86.ACCESS_USER);
    long steps = m.mmu.walkSteps();
    long second = m.mmu.translate(root << 12, m.views.os(), 0x40_0456L, X86.ACCESS_USER);
    assertEquals((DATA_REGION << 12) | 0x123, first);
    assertEquals((DATA_REGION << 12) | 0x456, second);
    assertEquals(steps, m.mmu.walkSteps(), "no walk on a hit");
    assertEquals(1, m.mmu.tlbHits());
  }

  @Test
  void anEptChangeInvalidatesExactlyTheEntriesOfThatFrame() {
    Machine m = new Machine();
    long root = m.nextTable++ << 12;
    m.writer.map4k(root, 0x1000, DATA_REGION, X86.PTE_RW | X86.PTE_US);
    m.writer.map4k(root, 0x2000, DATA_REGION + 1, X86.PTE_RW | X86.PTE_US);
    EptView os = m.views.os();
    // Splinter the 2 MiB EPT entry first: from then on the region's entries change one by one.
    os.setPermissions(DATA_REGION + 7, X86.EPT_R | X86.EPT_W);
    m.mmu.translate(root, os, 0x1000, X86.ACCESS_USER | X86.ACCESS_WRITE);
    m.mmu.translate(root, os, 0x2000, X86.ACCESS_USER | X86.ACCESS_WRITE);
    os.setPermissions(DATA_REGION, X86.EPT_R);
    long denied = m.mmu.translate(root, os, 0x1000, X86.ACCESS_USER | X86.ACCESS_WRITE);
    assertEquals(Translation.KIND_EPT_VIOLATION, Translation.kind(denied));
    assertEquals(DATA_REGION, Translation.frame(denied));
    long hits = m.mmu.tlbHits();
    m.mmu.translate(root, os, 0x2000, X86.ACCESS_USER | X86.ACCESS_WRITE);
    assertEquals(hits + 1, m.mmu.tlbHits(), "the other frame's entry survived");
  }

  @Test
  void aPagingStructureOutsideTheViewIsAnEptViolationNotOnTheFinalPage() {
    Machine m = new Machine();
    long root = m.nextTable++ << 12;
    m.writer.map4k(root, 0x1000, DATA_REGION, X86.PTE_RW | X86.PTE_US);
    EptView empty = m.views.create("empty");
    long r = m.mmu.translate(root, empty, 0x1000, X86.ACCESS_USER);
    assertEquals(Translation.KIND_EPT_VIOLATION, Translation.kind(r));
    assertEquals(root >>> 12, Translation.frame(r));
    assertEquals(0, Translation.code(r) & Translation.EPT_Q_FINAL);
  }

  @Test
  void aPsBitAbovePageDirectoryIsAReservedBitFault() {
    Machine m = new Machine();
    long root = m.nextTable++ << 12;
    m.memory.store64(root, (DATA_REGION << 12) | X86.PTE_P | X86.PTE_PS | X86.PTE_US);
    long r = m.mmu.translate(root, m.views.os(), 0x1000, X86.ACCESS_USER);
    assertEquals(Translation.pageFault(X86.PF_P | X86.PF_RSVD | X86.PF_U), r);
  }
}
