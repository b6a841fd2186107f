package org.sego.protection.metadata;

import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongLongMap;
import org.sego.support.LongPairMap;
import org.sego.support.RunLongMap;

/**
 * What the parts of the sego strategy share: the hypervisor's services and the settings, the HAPs'
 * views, the frames, the tags and the secure-file view, the pages swapped out, the transfers the
 * hypervisor authorized, the secure-file pages written since their write-back; and the violation
 * every part raises the same way. One per strategy instance (a power failure builds a new one).
 */
final class SegoState {
  final HypervisorServices hv;
  final SegoSettings settings;
  final HapViews viewOf = new HapViews();
  final SegoFrames frames;
  /** Made when the store is opened ({@code start}). */
  BlockTags tags;
  SecureFileTable files;
  /** The write-ahead log of secure-file pages, or null ({@code write-protocol = in-place}, or no metadata store). */
  WriteAheadLog wal;
  /** A swapped-out page ({@link SegoFrames#pageKey}) to its block's key and the version it was written at. */
  final RunLongMap swapped = new RunLongMap(2);
  /** A frame whose write the hypervisor authorized (not yet issued), to the block key; what the block will hold, and at which version. */
  final LongLongMap authorizedOut = new LongLongMap(-1);
  final LongPairMap out = new LongPairMap(0, 0);
  /** Frames whose swap-out asked the hypervisor to release them when the write completes (swap-folded), to 1. */
  final LongLongMap releaseAtWrite = new LongLongMap(0);
  /** Such a write issued: its block key to the frame + 1 (the write's own, whatever the frame does next). */
  final LongLongMap inflightRelease = new LongLongMap(0);
  /** An authorized write issued and not yet completed: the block key to what it tags the block with, and the version. */
  final LongPairMap inflight = new LongPairMap(0, 0);
  /** How many authorized writes of the block key are in flight (the tag is written at the last one's completion). */
  final LongLongMap inflightCount = new LongLongMap(0);
  /** A block key whose read into a frame the hypervisor authorized (not yet issued), to that frame. */
  final LongLongMap authorizedIn = new LongLongMap(-1);
  /**
   * A frame bound by swap-in or read-in whose bytes have not arrived yet, to the block key they come
   * from and the entry to install for its page once they have (0: the kernel installs it).
   */
  final LongPairMap arriving = new LongPairMap(-1, 0);
  /**
   * Anonymous pages ({@link SegoFrames#pageKey}) whose frame the kernel gave back while the HAP's
   * intent still covered them and no swap slot held them: until the HAP revokes the intent (it
   * unmapped them), the page must not come back as a fresh zero page.
   */
  final LongLongMap discarded = new LongLongMap(0);
  /** Secure-file frames the HAP wrote since their last write-back, to their OID. */
  final LongLongMap dirtyFile = new LongLongMap(0);
  final int scrubCategory;
  final long scrubNanos;
  final int copyCategory;
  final long copyNanos;
  final int storeCategory;
  final StatsSink.Counter violations;

  SegoState(HypervisorServices hv, SegoSettings settings) {
    this.hv = hv;
    this.settings = settings;
    this.frames = new SegoFrames(hv, viewOf);
    this.scrubCategory = hv.category("sego.scrub");
    this.scrubNanos = hv.costs().bandwidth(CostProfile.HV_SCRUB).nanosFor(X86.PAGE_SIZE);
    this.copyCategory = hv.category("sego.copy");
    this.copyNanos = hv.costs().bandwidth(CostProfile.HV_COPY).nanosFor(X86.PAGE_SIZE);
    this.storeCategory = hv.category("sego.store");
    this.violations = hv.stats().counter(hv.path() + ".violations", "violations", "checks that failed (each a violation for the judge)");
  }

  /** The guest is gone: no page is swapped, no transfer pending (the slots' tags stay: what the HAPs left in swap stays unreadable). */
  void guestCrashed() {
    swapped.clear();
    out.clear();
    arriving.clear();
    inflight.clear();
    for (LongLongMap m : new LongLongMap[] {authorizedOut, releaseAtWrite, inflightRelease, inflightCount, authorizedIn, discarded,
        dirtyFile}) {
      m.clear();
    }
  }

  /** The kernel may write {@code gfn} to block {@code key}, which the write's completion tags as holding {@code whom} at {@code v}. */
  void authorizeOut(long gfn, long key, long whom, long v) {
    authorizedOut.put(gfn, key);
    out.put(gfn, whom, v);
  }

  /** Frame {@code gfn} leaves its transfers: an authorized write or read of it not yet issued no longer is. */
  void forgetTransfers(long gfn) {
    if (authorizedOut.containsKey(gfn)) {
      authorizedOut.remove(gfn);
      out.remove(gfn);
      releaseAtWrite.remove(gfn);
    }
    long key = arriving.first(gfn);
    arriving.remove(gfn);
    if (key != -1 && authorizedIn.get(key) == gfn) {
      authorizedIn.remove(key);
    }
  }

  /**
   * Gives bound frame {@code gfn} back to the OS (scrubbed): its transfers are forgotten, and each
   * anonymous page it held that the HAP still intends and no slot holds is remembered as discarded.
   */
  void releaseFrame(long gfn) {
    for (long page : frames.pagesOf(gfn)) {
      int pid = SegoFrames.pidOf(page);
      if (frames.frameOf(pid, SegoFrames.vpnOf(page)) == gfn && !swapped.containsKey(page) && viewOf.has(pid)
          && hv.intents().lookup(pid, SegoFrames.vpnOf(page) << X86.PAGE_SHIFT) != null) {
        discarded.put(page, 1);
      }
    }
    forgetTransfers(gfn);
    dirtyFile.remove(gfn);
    frames.release(gfn);
  }

  /** A failed check for {@code pid} (-1: none named): logged for the judge, the HAP halted, the kernel answered. */
  HypercallResult violation(int pid, String check, String evidence) {
    violations.add(1);
    String e = "check " + check + ": " + evidence;
    hv.violation(pid, e);
    return new HypercallResult.Violation(e);
  }

  /** Charges the wait until {@code doneAt}, when the store's device completes (nothing if that is past). */
  void waitForStore(long doneAt) {
    long wait = doneAt - hv.clock().nowNanos();
    if (wait > 0) {
      hv.charge(storeCategory, wait);
    }
  }

  static String versionText(long v) {
    return "(" + PageMetadata.epochOf(v) + ", " + PageMetadata.counterOf(v) + ")";
  }

  /** Block {@code block} of {@code device}, for evidence (built only when a check fails). */
  static String where(String device, long block) {
    return device + " block " + block;
  }

  /** What a tag's {@code whom} names, for evidence. */
  static String describe(long whom) {
    if ((whom & BlockTags.FILE) != 0) {
      return "page " + BlockTags.pageOf(whom) + " of secure file " + BlockTags.oidOf(whom);
    }
    return "page 0x" + Long.toHexString(SegoFrames.vpnOf(whom) << X86.PAGE_SHIFT) + " of pid " + SegoFrames.pidOf(whom);
  }
}
