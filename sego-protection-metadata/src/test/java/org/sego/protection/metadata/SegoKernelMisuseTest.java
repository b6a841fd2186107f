package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sego.protection.metadata.SegoRemapTest.ADDR;
import static org.sego.protection.metadata.SegoRemapTest.assertDetectedCiting;
import static org.sego.protection.metadata.SegoRemapTest.atFirstRound;
import static org.sego.protection.metadata.SegoRemapTest.judge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Outcome;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.core.judge.AttackResult;

/**
 * The kernel's hypercalls and table writes used against a HAP under sego, each caught: a frame
 * given back (released or zeroed) while the HAP still maps it, then forged; a copy of one page
 * passed off as another; a page table placed in an S-page, linked twice, or reached through
 * another process's tables by {@code install-pte}; and a frame "shared" with itself. Each attack
 * but the last changes what the victim reads under {@code none}.
 */
class SegoKernelMisuseTest {
  private static final long FORGED = 0x0BAD_F00D_0BAD_F00DL;

  /** A page of bytes that are all {@link #FORGED}. */
  private static byte[] forged() {
    byte[] b = new byte[X86.PAGE_SIZE];
    for (int i = 0; i < b.length; i += 8) {
      org.sego.protection.metadata.PageGuard.LONGS.set(b, i, FORGED);
    }
    return b;
  }

  private static long gfnOf(AdversaryOps ops, int pid, long gva) {
    return (ops.readPte(pid, gva) & ADDR) >>> X86.PAGE_SHIFT;
  }

  /** A frame of the OS's, not a HAP's page or table: the root table of a process the adversary creates. */
  static long osFrame(AdversaryOps ops) {
    return (ops.cr3(ops.createProcess()) & ADDR) >>> X86.PAGE_SHIFT;
  }

  /** The victim's page at {@code gva} gets the bytes of its page 2, through the OS view (which only {@code none} allows). */
  private static void overwriteWithPageTwo(AdversaryOps ops, long gva) {
    int pid = ops.victimPid();
    byte[] two = ops.readFrame(gfnOf(ops, pid, ops.residentPages(pid)[2]));
    if (two != null) {
      ops.writeFrame(gfnOf(ops, pid, gva), two);
    }
  }

  /** The gfn of {@code pid}'s table at {@code level} (4: the root, 1: the last) on the walk to {@code gva}. */
  private static long table(AdversaryOps ops, int pid, long gva, int level) {
    long t = (ops.cr3(pid) & ADDR) >>> X86.PAGE_SHIFT;
    for (int l = 4; l > level; l--) {
      t = (entry(ops, t, X86.tableIndex(gva, l)) & ADDR) >>> X86.PAGE_SHIFT;
    }
    return t;
  }

  private static long entry(AdversaryOps ops, long tableGfn, int i) {
    return (long) PageGuard.LONGS.get(ops.readFrame(tableGfn), 8 * i);
  }

  /** Writes entry {@code i} of table {@code tableGfn} through the OS view, as the kernel can. */
  private static void setEntry(AdversaryOps ops, long tableGfn, int i, long e) {
    byte[] t = ops.readFrame(tableGfn);
    PageGuard.LONGS.set(t, 8 * i, e);
    assertTrue(ops.writeFrame(tableGfn, t), "the kernel writes its tables");
  }

  /** A free slot of the victim's last-level directory (level 2) covering {@code gva}: another 2 MiB region. */
  private static int freeSlot(AdversaryOps ops, long pd, long gva) {
    for (int i = 0; i < X86.ENTRIES_PER_TABLE; i++) {
      if (i != X86.tableIndex(gva, 2) && (entry(ops, pd, i) & X86.PTE_P) == 0) {
        return i;
      }
    }
    throw new AssertionError("no free directory slot");
  }

  @Test
  void aFrameReleasedWhileTheHapMapsItAndForgedIsDetected() {
    AttackResult r = judge(atFirstRound("release-and-forge", "integrity", ops -> {
      int pid = ops.victimPid();
      long gfn = gfnOf(ops, pid, ops.residentPages(pid)[1]);
      ops.hypercall(new KernelHypercalls.ReleasePage(-1, gfn)); // the entry stays
      ops.writeFrame(gfn, forged());
    }));
    assertDetectedCiting(r, "gave the page's frame back while the HAP still had it");
    assertTrue(AttackResult.SUCCESS.contains(r.baseline().orElseThrow().outcome()), r.baseline().toString());
  }

  @Test
  void aFrameZeroedWhileTheHapMapsItIsDetected() {
    AttackResult r = judge(atFirstRound("zero-mapped", "integrity", ops -> {
      int pid = ops.victimPid();
      long gfn = gfnOf(ops, pid, ops.residentPages(pid)[1]);
      if (!(ops.hypercall(new KernelHypercalls.ZeroPage(-1, -1, gfn)) instanceof HypercallResult.Ok)) {
        ops.writeFrame(gfn, new byte[X86.PAGE_SIZE]); // (under none: the kernel zeroes it itself)
      }
    }));
    assertDetectedCiting(r, "gave the page's frame back while the HAP still had it");
    assertTrue(AttackResult.SUCCESS.contains(r.baseline().orElseThrow().outcome()), r.baseline().toString());
  }

  /**
   * A page the metadata cannot name (a vpn past 2^36 - 1 would spill into the pid bits of its key
   * and alias another HAP's page) is refused, not bound, and the run goes on.
   */
  @Test
  void pagesOutsideTheMetadatasRangeAreRefused() {
    List<HypercallResult> answers = new ArrayList<>();
    judge(atFirstRound("out-of-range-pages", "integrity", ops -> {
      int pid = ops.victimPid();
      long vpn = ops.residentPages(pid)[1] >>> X86.PAGE_SHIFT;
      long frame = osFrame(ops);
      answers.add(ops.hypercall(new KernelHypercalls.SwapInPage(pid ^ 1, vpn | 1L << 36, frame, "swap", 0)));
      answers.add(ops.hypercall(new KernelHypercalls.CopyPage(pid, vpn | 1L << 52, frame, frame + 1)));
      answers.add(ops.hypercall(new KernelHypercalls.SwapOutPage(-3, vpn, frame, "swap", 0)));
    }));
    assertEquals(6, answers.size(), "the adversary ran under sego and under the baseline");
    long refusedForRange = answers.stream().filter(h -> h instanceof HypercallResult.Refused
        && ((HypercallResult.Refused) h).reason().contains("outside pids")).count();
    assertEquals(3, refusedForRange, "sego refused all three for their range: " + answers);
    answers.forEach(h -> assertInstanceOf(HypercallResult.Refused.class, h));
  }

  @Test
  void aCopyOfAnotherPageOfTheHapIsAViolation() {
    AttackResult r = judge(atFirstRound("copy-other-page", "integrity", ops -> {
      int pid = ops.victimPid();
      long[] pages = ops.residentPages(pid);
      long two = gfnOf(ops, pid, pages[2]);
      HypercallResult h = ops.hypercall(new KernelHypercalls.CopyPage(pid, pages[1] >>> X86.PAGE_SHIFT, two, osFrame(ops)));
      if (!(h instanceof HypercallResult.Violation)) {
        overwriteWithPageTwo(ops, pages[1]); // (under none, the kernel copies it over itself)
      }
    }));
    assertDetectedCiting(r, "check intent");
    assertTrue(String.join(" ", r.evidence()).contains("copy of gfn"), r.evidence().toString());
  }

  @Test
  void aPageTableInAnSPageIsNotAdoptedAndIsAViolation() {
    List<byte[]> leaked = new ArrayList<>();
    AttackResult r = judge(atFirstRound("table-in-s-page", "confidentiality-ram", ops -> {
      int pid = ops.victimPid();
      long page = ops.residentPages(pid)[1];
      long secret = gfnOf(ops, pid, page);
      long pd = table(ops, pid, page, 2);
      setEntry(ops, pd, freeSlot(ops, pd, page), secret << X86.PAGE_SHIFT | X86.PTE_P | X86.PTE_RW | X86.PTE_US);
      ops.hypercall(new KernelHypercalls.InstallPte(pid, page, ops.readPte(pid, page))); // (the victim is to run again)
    }));
    assertEquals(Outcome.DETECTED, r.outcome(), r.evidence().toString());
    assertTrue(String.join(" ", r.evidence()).contains("an S-page"), r.evidence().toString());
    assertEquals(List.of(), leaked);
  }

  @Test
  void aPageTableLinkedTwiceIsAViolation() {
    AttackResult r = judge(atFirstRound("table-twice", "integrity", ops -> {
      int pid = ops.victimPid();
      long page = ops.residentPages(pid)[1];
      long pd = table(ops, pid, page, 2);
      long pt = table(ops, pid, page, 1);
      // The same last-level table for a second 2 MiB region: its pages alias the first region's.
      setEntry(ops, pd, freeSlot(ops, pd, page), pt << X86.PAGE_SHIFT | X86.PTE_P | X86.PTE_RW | X86.PTE_US);
    }));
    assertDetectedCiting(r, "already the level-1 table of pid");
  }

  @Test
  void anInstallThroughAnotherProcesssTablesIsCheckedForTheHapOwningTheTable() {
    AttackResult r = judge(atFirstRound("install-through-other", "integrity", ops -> {
      int pid = ops.victimPid();
      long page = ops.residentPages(pid)[1];
      long pt = table(ops, pid, page, 1);
      int own = ops.createProcess();
      long[] stack = ops.stackOf(own);
      long at = stack[1] - 4096;
      long osFrame = (ops.cr3(own) & ADDR) >>> X86.PAGE_SHIFT;
      assertTrue(ops.mapFrame(own, at, osFrame, false), "the kernel builds the adversary's tables down to its stack");
      // The adversary's directory links the HAP's last-level table; install-pte is then asked for
      // the adversary's process, at the slot where the HAP maps its page.
      long pd = table(ops, own, at, 2);
      int slot = freeSlot(ops, pd, at);
      setEntry(ops, pd, slot, pt << X86.PAGE_SHIFT | X86.PTE_P | X86.PTE_RW | X86.PTE_US);
      long gva = (at & ~((1L << 30) - 1)) | (long) slot << 21 | (long) X86.tableIndex(page, 1) << X86.PAGE_SHIFT;
      HypercallResult h = ops.hypercall(new KernelHypercalls.InstallPte(own, gva,
          osFrame << X86.PAGE_SHIFT | X86.PTE_P | X86.PTE_RW | X86.PTE_US));
      if (!(h instanceof HypercallResult.Violation)) {
        overwriteWithPageTwo(ops, page); // (under none, the kernel copies it over itself)
      }
    }));
    assertDetectedCiting(r, "check intent: pid 1 page");
    assertTrue(String.join(" ", r.evidence()).contains("not in this OS frame"), r.evidence().toString());
  }

  @Test
  void aFrameIsNotSharedWithItself() {
    List<HypercallResult> answers = new ArrayList<>();
    AttackResult r = judge(atFirstRound("share-with-itself", "integrity", ops -> {
      int pid = ops.victimPid();
      long gfn = gfnOf(ops, pid, ops.residentPages(pid)[1]);
      answers.add(ops.hypercall(new KernelHypercalls.SharePages(gfn, gfn)));
    }));
    assertInstanceOf(HypercallResult.Refused.class, answers.get(answers.size() - 1), answers.toString());
    assertTrue(Arrays.asList(Outcome.PREVENTED, Outcome.NOT_ATTEMPTED).contains(r.outcome()), r.outcome() + " " + r.evidence());
  }
}
