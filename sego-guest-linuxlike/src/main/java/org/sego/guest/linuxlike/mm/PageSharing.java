package org.sego.guest.linuxlike.mm;

import java.nio.ByteOrder;
import java.util.Arrays;
import org.sego.api.guest.OsView;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.StatsSink;
import org.sego.support.LongLongMap;

/**
 * A KSM-like page-sharing scanner. Each period it reads a batch of private anonymous pages, hashes
 * them, and merges a page with an identical one copy-on-write (both entries read-only, one frame
 * freed); a later write splits them through the ordinary copy-on-write fault. Oblivious mode reads
 * every page; aware mode asks the hypervisor to compare pages the kernel cannot read, and a
 * refused request is skipped and counted.
 */
public final class PageSharing {

  private final MemoryManager mm;
  private final boolean aware;
  /** Hash to merged frame, frame to its hash, and this period's hash to candidate frame (-1: none). */
  private final LongLongMap stable = new LongLongMap(-1);
  private final LongLongMap stableHashOf = new LongLongMap(-1);
  private final LongLongMap unstable = new LongLongMap(-1);
  private long cursor;
  private final byte[] page = new byte[X86.PAGE_SIZE];
  private final byte[] other = new byte[X86.PAGE_SIZE];
  private final StatsSink.Counter scanned;
  private final StatsSink.Counter merged;
  private final StatsSink.Counter unreadable;
  private final StatsSink.Counter refused;
  private final StatsSink.Counter unchanged;

  PageSharing(MemoryManager mm, boolean aware) {
    this.mm = mm;
    this.aware = aware;
    this.cursor = mm.buddy.first();
    StatsSink s = mm.ports.stats();
    scanned = s.counter("system.guest.sharing.scanned", "pages", "pages the sharing scanner read and hashed");
    merged = s.counter("system.guest.sharing.merged", "pages", "pages merged into an identical page (a frame freed)");
    unreadable = s.counter("system.guest.sharing.unreadable", "pages", "pages the OS view denied to the scanner");
    unchanged = s.counter("system.guest.sharing.unchanged", "pages", "HAP pages not proposed again: compared before, matched nothing, not written since");
    refused = s.counter("system.guest.sharing.refused", "pages", "pages the kernel could not read and the strategy would not compare (skipped)");
  }

  /** The frame freed or merged is no longer a sharing candidate. */
  void forget(long gfn) {
    if (!hapUnique.isEmpty()) {
      hapUnique.remove(gfn);
    }
    if (!hapSeen.isEmpty()) {
      hapSeen.remove(gfn);
    }
    if (!hapShared.isEmpty()) {
      hapShared.remove(gfn);
    }
    if (stableHashOf.containsKey(gfn)) {
      stable.remove(stableHashOf.remove(gfn));
    }
  }

  private boolean candidate(long f) {
    return !mm.buddy.isFree(f) && mm.frames.has(f, FrameTable.ANON) && mm.frames.mapcount(f) == 1
        && !mm.frames.has(f, FrameTable.HUGE | FrameTable.KSM | FrameTable.SHARED | FrameTable.PAGETABLE);
  }

  /** One scanner period: up to {@code pages} candidates. */
  public void scan(int pages) {
    unstable.clear();
    long span = mm.buddy.end() - mm.buddy.first();
    for (long looked = 0; looked < span && pages > 0; looked++) {
      long f = cursor;
      cursor = cursor + 1 >= mm.buddy.end() ? mm.buddy.first() : cursor + 1;
      if (!candidate(f)) {
        continue;
      }
      pages--;
      if (aware && mm.hap.offers(Capabilities.SHARE) && mm.hap.hapFrame(f)) {
        shareByHypervisor(f); // a HAP's page: the kernel never reads it
        continue;
      }
      if (mm.memory.read(f << X86.PAGE_SHIFT, page, 0, X86.PAGE_SIZE) != OsView.OK) {
        unreadable.add(1);
        if (aware && !mm.ports.hypercalls().capabilities().offers(Capabilities.SHARE)) {
          refused.add(1);
        }
        continue;
      }
      scanned.add(1);
      mm.ports.cpu().charge(CostCategory.COMPUTE, mm.costs.pageHash());
      long h = hash(page);
      long k = stable.get(h);
      if (k >= 0 && sameAs(k)) {
        merge(f, k);
        continue;
      }
      long g = unstable.get(h);
      if (g >= 0 && g != f && candidate(g) && sameAs(g)) {
        if (makeShared(g)) {
          stable.put(h, g);
          stableHashOf.put(g, h);
          merge(f, g);
        }
        continue;
      }
      unstable.put(h, f);
    }
  }

  /** Bounded lists of a HAP's pages the kernel cannot read: merged ones, and recent unmerged candidates. */
  private static final int HAP_CANDIDATES = 16;
  private final java.util.ArrayDeque<Long> hapShared = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<Long> hapSeen = new java.util.ArrayDeque<>();
  /** HAP pages the hypervisor compared without a match; proposed again only once written (dirty bit). */
  private final java.util.Set<Long> hapUnique = new java.util.HashSet<>();

  /**
   * Aware sharing of a page the kernel cannot read: the hypervisor compares it with the HAP pages
   * already shared and then with recent candidates, and merges on the first equal one.
   */
  private void shareByHypervisor(long f) {
    long slot = soleSlot(f);
    if (slot < 0) {
      return;
    }
    long pte = mm.tables.read(slot);
    if (hapUnique.contains(f) && (pte & X86.PTE_D) == 0) {
      unchanged.add(1); // compared before and matched nothing, and not written since: not proposed again
      return;
    }
    hapShared.removeIf(k -> mm.buddy.isFree(k) || !mm.frames.has(k, FrameTable.KSM));
    for (long k : hapShared) {
      if (k != f && mergeByHypervisor(f, k)) {
        return;
      }
    }
    hapSeen.removeIf(g -> g == f || !candidate(g));
    for (long g : new java.util.ArrayList<>(hapSeen)) {
      // g becomes a shared page only once the hypervisor found f equal to it: a candidate that
      // matches nothing stays writable.
      if (mm.hap.hapFrame(g) && soleSlot(g) >= 0 && mergeByHypervisor(f, g)) {
        hapSeen.remove(g);
        makeShared(g);
        hapShared.addFirst(g);
        if (hapShared.size() > HAP_CANDIDATES) {
          hapShared.removeLast();
        }
        return;
      }
    }
    hapSeen.addFirst(f);
    if (hapSeen.size() > HAP_CANDIDATES) {
      hapSeen.removeLast();
    }
    // Unique for now: its dirty bit, cleared here, tells the next scan whether it was written since.
    hapUnique.add(f);
    mm.tables.write(slot, pte & ~X86.PTE_D);
    long owner = mm.frames.firstOwner(f);
    mm.ports.cpu().invalidatePage(mm.space(FrameTable.ownerPid(owner)).cr3, FrameTable.ownerVpn(owner) << X86.PAGE_SHIFT);
  }


  /** Points {@code f}'s mapping at {@code k} if the hypervisor finds them equal (it scrubs {@code f}). */
  private boolean mergeByHypervisor(long f, long k) {
    long slot = soleSlot(f);
    if (slot < 0) {
      return false;
    }
    long owner = mm.frames.firstOwner(f);
    int pid = FrameTable.ownerPid(owner);
    long vpn = FrameTable.ownerVpn(owner);
    long pte = mm.tables.read(slot);
    if (!(mm.hap.call(new KernelHypercalls.SharePages(k, f)) instanceof HypercallResult.Ok)) {
      return false;
    }
    if (!mm.hap.installPte(mm.space(pid), vpn << X86.PAGE_SHIFT, slot, (k << X86.PAGE_SHIFT) | (pte & ~X86.PTE_ADDR & ~X86.PTE_RW))) {
      // The hypervisor scrubbed f: its contents (equal to k's) go back before it stays mapped.
      mm.hap.call(new KernelHypercalls.CopyPage(pid, vpn, k, f));
      return false;
    }
    mm.ports.cpu().invalidatePage(mm.space(pid).cr3, vpn << X86.PAGE_SHIFT);
    mm.frames.unmap(f, pid, vpn);
    mm.frames.map(k, pid, vpn);
    mm.frames.addFlag(k, FrameTable.HAP);
    mm.frames.clearFlag(f, FrameTable.HAP); // the hypervisor gave it back, scrubbed
    mm.freeFrame(f);
    merged.add(1);
    return true;
  }

  private boolean sameAs(long g) {
    return mm.memory.read(g << X86.PAGE_SHIFT, other, 0, X86.PAGE_SIZE) == OsView.OK && Arrays.equals(page, other);
  }

  /** Write-protects {@code g}'s single mapping and marks it a shared page. */
  private boolean makeShared(long g) {
    long owner = mm.frames.firstOwner(g);
    long slot = mm.slotOf(FrameTable.ownerPid(owner), FrameTable.ownerVpn(owner));
    if (slot < 0) {
      return false;
    }
    long pte = mm.tables.read(slot);
    if (!PageTables.present(pte) || PageTables.frame(pte) != g) {
      return false;
    }
    mm.tables.write(slot, pte & ~X86.PTE_RW);
    mm.ports.cpu().invalidatePage(mm.space(FrameTable.ownerPid(owner)).cr3, FrameTable.ownerVpn(owner) << X86.PAGE_SHIFT);
    mm.frames.addFlag(g, FrameTable.KSM);
    mm.reclaimer.forget(g);
    return true;
  }

  /** Points {@code f}'s mapping at shared page {@code k} (read-only) and frees {@code f}. */
  private void merge(long f, long k) {
    long owner = mm.frames.firstOwner(f);
    int pid = FrameTable.ownerPid(owner);
    long vpn = FrameTable.ownerVpn(owner);
    long slot = mm.slotOf(pid, vpn);
    if (slot < 0) {
      return;
    }
    long pte = mm.tables.read(slot);
    if (!PageTables.present(pte) || PageTables.frame(pte) != f) {
      return;
    }
    if (aware && mm.ports.hypercalls().capabilities().offers(Capabilities.SHARE)) {
      HypercallResult r = mm.ports.hypercalls().call(new KernelHypercalls.SharePages(k, f));
      if (!(r instanceof HypercallResult.Ok)) {
        refused.add(1);
        return;
      }
    }
    long entry = (k << X86.PAGE_SHIFT) | (pte & ~X86.PTE_ADDR & ~X86.PTE_RW);
    if (!mm.hap.installPte(mm.space(pid), vpn << X86.PAGE_SHIFT, slot, entry)) {
      refused.add(1);
      return;
    }
    mm.ports.cpu().invalidatePage(mm.space(pid).cr3, vpn << X86.PAGE_SHIFT);
    mm.frames.unmap(f, pid, vpn);
    mm.frames.map(k, pid, vpn);
    mm.freeFrame(f);
    merged.add(1);
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A page's hash, 8 bytes per step (the same values a little-endian ByteBuffer walk gives). */
  /**
   * A 64-bit hash of a page, 32 bytes a step in four independent FNV-like lanes (so the multiplies
   * overlap), folded at the end. Equal pages hash equal; a match is always confirmed byte for byte.
   */
  static long hash(byte[] b) {
    long h0 = 0xcbf29ce484222325L;
    long h1 = 0x84222325cbf29ce4L;
    long h2 = 0x9e3779b97f4a7c15L;
    long h3 = 0xc2b2ae3d27d4eb4fL;
    int off = 0;
    for (; off + 32 <= b.length; off += 32) {
      h0 = (h0 ^ (long) LONGS.get(b, off)) * 0x100000001b3L;
      h1 = (h1 ^ (long) LONGS.get(b, off + 8)) * 0x100000001b3L;
      h2 = (h2 ^ (long) LONGS.get(b, off + 16)) * 0x100000001b3L;
      h3 = (h3 ^ (long) LONGS.get(b, off + 24)) * 0x100000001b3L;
      h0 ^= h0 >>> 29;
      h1 ^= h1 >>> 29;
      h2 ^= h2 >>> 29;
      h3 ^= h3 >>> 29;
    }
    for (; off + 8 <= b.length; off += 8) {
      h0 = (h0 ^ (long) LONGS.get(b, off)) * 0x100000001b3L;
    }
    long h = h0 ^ Long.rotateLeft(h1, 17) ^ Long.rotateLeft(h2, 31) ^ Long.rotateLeft(h3, 47);
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }

  /** The slot of {@code f}'s first recorded mapping when that entry still maps {@code f}; else -1. */
  private long soleSlot(long f) {
    if (mm.frames.ownerCount(f) == 0) {
      return -1;
    }
    long owner = mm.frames.firstOwner(f);
    long slot = mm.slotOf(FrameTable.ownerPid(owner), FrameTable.ownerVpn(owner));
    long pte = slot < 0 ? 0 : mm.tables.read(slot);
    return PageTables.present(pte) && PageTables.frame(pte) == f ? slot : -1;
  }
}
