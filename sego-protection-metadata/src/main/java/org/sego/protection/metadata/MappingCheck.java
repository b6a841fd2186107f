package org.sego.protection.metadata;

import static org.sego.protection.metadata.SegoState.describe;
import static org.sego.protection.metadata.SegoStrategy.CHECK_INTENT;

import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hw.EptView;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.RunLongMap;

/**
 * The check {@link PageGuard} asks of every HAP page-table entry it sees arrive (by {@code
 * install-pte}, or changed by the kernel since the HAP last ran), against the HAP's intents and
 * the frames' metadata; and the TLB flush of an entry that went.
 */
final class MappingCheck {
  private final SegoState state;
  private final HypervisorServices hv;
  private final SegoSettings settings;
  private final SegoFrames frames;
  private final HapViews viewOf;
  private final RunLongMap swapped;
  private final StatsSink.Counter violations;
  private final StatsSink.Counter freshZeroed;
  private final int scrubCategory;
  private final long scrubNanos;
  /** The guard whose check this is (set once it is made). */
  PageGuard guard;
  /** The pid whose page tables {@code hap-register} is adopting now (its inherited mappings are a fork's), or -1. */
  int adopting = -1;

  MappingCheck(SegoState state) {
    this.state = state;
    this.hv = state.hv;
    this.settings = state.settings;
    this.frames = state.frames;
    this.viewOf = state.viewOf;
    this.swapped = state.swapped;
    this.violations = state.violations;
    this.scrubCategory = state.scrubCategory;
    this.scrubNanos = state.scrubNanos;
    this.freshZeroed = hv.stats().counter(hv.path() + ".fresh-pages-zeroed", "pages",
        "OS frames mapped at a new protected page, zeroed by the hypervisor before the HAP used them");
  }

  /** Whether {@code pid} may map frame {@code gfn} at {@code gvaPage}: null, or the evidence. */
  String checkLeaf(int pid, long gvaPage, long gfn, boolean writable) {
    if (gfn >= hv.guestFrames()) {
      return settings.checkIntent() ? "check " + CHECK_INTENT + ": pid " + pid + " maps 0x" + Long.toHexString(gvaPage)
          + " to gfn " + gfn + ", outside guest memory" : null;
    }
    String why = mappingProblem(pid, gvaPage, gfn, writable);
    if (why == null || !settings.checkIntent()) {
      return null;
    }
    violations.add(1);
    return "check " + CHECK_INTENT + ": pid " + pid + " page 0x" + Long.toHexString(gvaPage) + " -> gfn " + gfn + ": " + why;
  }

  /**
   * Whether frame {@code gfn} may become one of {@code pid}'s page tables ({@code already}: what
   * the guard knows it is already, or null): null, or the evidence.
   */
  String checkTable(int pid, long gfn, String already) {
    String why = gfn >= hv.guestFrames() ? "outside guest memory" : already != null ? already
        : frames.bound(gfn) ? "an S-page (" + (frames.meta.filePage(gfn) ? "page " + frames.meta.where(gfn) + " of secure file "
            + frames.meta.oid(gfn) : describe(frames.pagesOf(gfn)[0])) + ")" : null;
    if (why == null || !settings.checkIntent()) {
      return null;
    }
    violations.add(1);
    return "check " + CHECK_INTENT + ": a page table of pid " + pid + " in gfn " + gfn + ", " + why;
  }

  private String mappingProblem(int pid, long gvaPage, long gfn, boolean writable) {
    long vpn = gvaPage >>> X86.PAGE_SHIFT;
    if (pid == adopting && !writable && frames.bound(gfn) && inherit(pid, gvaPage, gfn)) {
      return null;
    }
    if (guard.guards(gfn)) {
      return "the frame is a page table";
    }
    MappingIntents.Intent intent = hv.intents().lookup(pid, gvaPage);
    PageMetadata m = frames.meta;
    if (intent == null) {
      // Unprotected memory: it must not alias an S-page.
      if (frames.bound(gfn)) {
        return m.filePage(gfn) ? "holds page " + m.where(gfn) + " of secure file " + m.oid(gfn) + ", mapped outside a declared range"
            : "holds page 0x" + Long.toHexString(m.where(gfn) << X86.PAGE_SHIFT) + " of HAP " + m.owner(gfn)
                + ", mapped outside protected memory";
      }
      return null;
    }
    if (intent.objectId() == 0) {
      if (frames.holds(gfn, pid, vpn)) {
        if (writable && m.state(gfn) == PageMetadata.SHARED_COW) {
          return "a writable mapping of a frame merged copy-on-write";
        }
        if (state.arriving.containsKey(gfn)) {
          return "the page's bytes have not arrived from the device yet";
        }
        if (frames.frameOf(pid, vpn) != gfn) {
          return "a stale copy: the page is in gfn " + frames.frameOf(pid, vpn) + " now";
        }
        settle(pid, vpn, gfn);
        return null;
      }
      if (frames.bound(gfn)) {
        return m.filePage(gfn) ? "holds page " + m.where(gfn) + " of secure file " + m.oid(gfn)
            : "holds page 0x" + Long.toHexString(m.where(gfn) << X86.PAGE_SHIFT) + " of HAP " + m.owner(gfn);
      }
      long elsewhere = frames.frameOf(pid, vpn);
      if (elsewhere >= 0) {
        return "the page is in gfn " + elsewhere + ", not in this OS frame";
      }
      if (swapped.containsKey(SegoFrames.pageKey(pid, vpn))) {
        return "the page is swapped out: it comes back only by swap-in, not in an OS frame";
      }
      if (state.discarded.containsKey(SegoFrames.pageKey(pid, vpn))) {
        return "the kernel gave the page's frame back while the HAP still had it: it cannot come back as a new page";
      }
      freshPage(gfn);
      frames.bindAnonymous(gfn, pid, vpn);
      return null;
    }
    long oid = intent.objectId();
    long page = intent.offsetOf(gvaPage) >>> X86.PAGE_SHIFT;
    if (frames.bound(gfn)) {
      if (!m.filePage(gfn) || m.oid(gfn) != oid || m.where(gfn) != page) {
        return "the intent is page " + page + " of secure file " + oid + "; the frame holds "
            + (m.filePage(gfn) ? "page " + m.where(gfn) + " of secure file " + m.oid(gfn)
                : "page 0x" + Long.toHexString(m.where(gfn) << X86.PAGE_SHIFT) + " of HAP " + m.owner(gfn));
      }
      return state.arriving.containsKey(gfn) ? "the page's bytes have not arrived from the device yet" : null;
    }
    if (state.files.version(oid, page) != 0) {
      return "page " + page + " of secure file " + oid + " was written at version " + state.files.version(oid, page)
          + "; it comes back only by a checked read-in, not in an OS frame";
    }
    freshPage(gfn);
    frames.bindFile(gfn, pid, oid, page);
    return null;
  }

  /**
   * A HAP registering maps, read-only at the same address, a page another HAP holds: a fork's
   * child inheriting its parent's memory copy-on-write. It inherits the parent's intent there and
   * becomes a holder of the frame. False if the frame is not such a page.
   */
  private boolean inherit(int child, long gvaPage, long gfn) {
    long vpn = gvaPage >>> X86.PAGE_SHIFT;
    int parent = -1;
    if (frames.meta.filePage(gfn)) {
      for (int n = 0; n < viewOf.count(); n++) {
        int p = viewOf.pidAt(n);
        MappingIntents.Intent i = p == child ? null : hv.intents().lookup(p, gvaPage);
        if (i != null && i.objectId() == frames.meta.oid(gfn) && i.offsetOf(gvaPage) >>> X86.PAGE_SHIFT == frames.meta.where(gfn)) {
          parent = p;
          break;
        }
      }
    } else {
      for (long k : frames.pagesOf(gfn)) {
        if (SegoFrames.pidOf(k) != child && SegoFrames.vpnOf(k) == vpn) {
          parent = SegoFrames.pidOf(k);
          break;
        }
      }
    }
    MappingIntents.Intent from = parent < 0 ? null : hv.intents().lookup(parent, gvaPage);
    if (from == null) {
      return false;
    }
    if (hv.intents().lookup(child, gvaPage) == null) {
      hv.intents().declare(child, from.gva(), from.length(), from.objectId(), from.offset());
    }
    if (!frames.meta.filePage(gfn) && !frames.holds(gfn, child, vpn)) {
      frames.addHolder(gfn, child, vpn);
    }
    return true;
  }

  /** A new page arrives in an OS frame: the hypervisor zeroes it first (the OS chose its bytes). */
  private void freshPage(long gfn) {
    hv.memory().zeroFrame(frames.host(gfn));
    hv.charge(scrubCategory, scrubNanos);
    freshZeroed.add(1);
  }

  /**
   * Page {@code vpn} of {@code pid} is mapped from frame {@code gfn} again: a swap-in has landed, so
   * its slot no longer holds the current copy and the frame is no longer in transit.
   */
  private void settle(int pid, long vpn, long gfn) {
    long key = SegoFrames.pageKey(pid, vpn);
    swapped.remove(key);
    if (frames.meta.state(gfn) == PageMetadata.IN_TRANSIT) {
      frames.meta.setState(gfn, PageMetadata.PRIVATE);
    }
  }

  /** A leaf of {@code pid} that mapped {@code oldGfn} changed: its TLB entries through that frame go. */
  void leafGone(int pid, long gvaPage, long oldGfn) {
    int v = viewOf.view(pid);
    if (v < 0 || oldGfn >= hv.guestFrames()) {
      return;
    }
    EptView view = hv.views().get(v);
    long e = view.entry(oldGfn);
    if (e != 0) {
      // Out and back in: a change of the entry invalidates the TLB entries that used it (setting the
      // same permissions would change nothing, and invalidate nothing).
      view.unmap(oldGfn);
      view.map(oldGfn, e >>> X86.PAGE_SHIFT, (int) (e & X86.EPT_RWX));
    }
  }
}
