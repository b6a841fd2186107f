package org.sego.protection.metadata;

import static org.sego.protection.metadata.SegoState.describe;
import static org.sego.protection.metadata.SegoState.versionText;
import static org.sego.protection.metadata.SegoStrategy.CHECK_BINDING;
import static org.sego.protection.metadata.SegoStrategy.CHECK_INTENT;
import static org.sego.protection.metadata.SegoStrategy.CHECK_VERSION;

import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongLongMap;
import org.sego.support.RunLongMap;

/**
 * Sego's memory services for the kernel: swap-out (the block tagged with owner, page and version),
 * swap-in (the tag checked), the copy-on-write copy and page sharing (the hypervisor compares and
 * merges), zeroing, release and moving (compaction).
 */
final class MemoryServices {
  private final SegoState state;
  private final HypervisorServices hv;
  private final SegoSettings settings;
  private final SegoFrames frames;
  private final HapViews viewOf;
  private final BlockTags tags;
  private final RunLongMap swapped;
  private final LongLongMap authorizedIn;
  private final int copyCategory;
  private final long copyNanos;
  private final int shareCategory;
  private final byte[] pageA = new byte[X86.PAGE_SIZE];
  private final byte[] pageB = new byte[X86.PAGE_SIZE];
  private final StatsSink.Counter swapOuts;
  private final StatsSink.Counter swapIns;
  private final StatsSink.Counter copies;
  private final StatsSink.Counter shares;
  private final StatsSink.Counter zeroes;
  private final StatsSink.Counter releases;
  private final StatsSink.Counter moves;
  private final LongLongMap dirtyFile;
  private final PageGuard guard;
  /** The most anonymous pages protected at once: S-pages resident plus pages swapped out. */
  long protectedPeak;

  MemoryServices(SegoState state, PageGuard guard) {
    this.guard = guard;
    this.state = state;
    this.hv = state.hv;
    this.settings = state.settings;
    this.frames = state.frames;
    this.viewOf = state.viewOf;
    this.tags = state.tags;
    this.swapped = state.swapped;
    this.authorizedIn = state.authorizedIn;
    this.copyCategory = state.copyCategory;
    this.copyNanos = state.copyNanos;
    this.shareCategory = hv.category("sego.share-scan");
    String p = hv.path();
    StatsSink s = hv.stats();
    swapOuts = s.counter(p + ".swap-outs", "pages", "pages swapped out by hypercall (tagged)");
    swapIns = s.counter(p + ".swap-ins", "pages", "pages swapped in by hypercall (tag checked)");
    copies = s.counter(p + ".copies", "pages", "copy-on-write copies made by the hypervisor");
    shares = s.counter(p + ".shares", "pages", "protected pages merged copy-on-write after the hypervisor compared them");
    zeroes = s.counter(p + ".zeroes", "pages", "frames zeroed for a HAP by the hypervisor");
    releases = s.counter(p + ".releases", "frames", "release hypercalls answered");
    moves = s.counter(p + ".moves", "pages", "protected pages moved for compaction");
    this.dirtyFile = state.dirtyFile;
  }

  /**
   * A kernel-named page outside what the metadata holds (a pid outside 1..MAX_OWNER, a vpn past
   * MAX_PAGE): refused, or its page key would alias another HAP's page.
   */
  static HypercallResult outOfRange(int pid, long vpn) {
    if (pid >= 1 && pid <= PageMetadata.MAX_OWNER && vpn >= 0 && vpn <= PageMetadata.MAX_PAGE) {
      return null;
    }
    return new HypercallResult.Refused("page " + vpn + " of pid " + pid + " is outside pids 1.." + PageMetadata.MAX_OWNER
        + " and pages 0.." + PageMetadata.MAX_PAGE);
  }

  HypercallResult swapOut(KernelHypercalls.SwapOutPage s) {
    HypercallResult range = outOfRange(s.pid(), s.vpn());
    if (range != null) {
      return range;
    }
    long gfn = s.gfn();
    if (!frames.bound(gfn)) {
      swapOuts.add(1);
      return HypercallResult.ok(); // not an S-page (unprotected memory of the HAP): nothing to tag
    }
    if (!frames.holds(gfn, s.pid(), s.vpn()) || frames.pagesOf(gfn).length != 1) {
      return new HypercallResult.Refused("frame " + gfn + " does not hold page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT)
          + " of " + s.pid() + " alone");
    }
    if (frames.meta.state(gfn) == PageMetadata.IN_TRANSIT) {
      return new HypercallResult.Refused("frame " + gfn + " is already in transit");
    }
    long v = frames.stampVersion(gfn);
    frames.meta.setState(gfn, PageMetadata.IN_TRANSIT);
    long key = tags.key(s.device(), s.block());
    long page = SegoFrames.pageKey(s.pid(), s.vpn());
    swapped.put(page, key, v);
    protectedPeak = Math.max(protectedPeak, frames.boundNow() - 1 + swapped.size());
    // The block is tagged when the write completes; until the frame is released the HAP's touch
    // exits (a read maps it read-only, a write takes the page back from the swap-out).
    state.authorizeOut(gfn, key, BlockTags.anonymous(s.pid(), s.vpn()), v);
    if (s.releaseAtWrite() && settings.batch()) {
      state.releaseAtWrite.put(gfn, 1); // (swap-folded: given back when the write completes)
    } else {
      state.releaseAtWrite.remove(gfn);
    }
    frames.unmapFromViews(gfn);
    swapOuts.add(1);
    return HypercallResult.ok();
  }

  /**
   * The HAP wrote its page in {@code gfn} while the kernel was swapping it out (the kernel left the
   * entry in place): the page stays resident and its swap-out is void (a slot already written holds
   * a stale copy, which never passes as current).
   */
  void backFromSwap(long gfn) {
    long page = frames.pagesOf(gfn)[0];
    swapped.remove(page);
    state.forgetTransfers(gfn);
    frames.meta.setState(gfn, PageMetadata.PRIVATE);
  }

  HypercallResult swapIn(KernelHypercalls.SwapInPage s) {
    HypercallResult range = outOfRange(s.pid(), s.vpn());
    if (range != null) {
      return range;
    }
    long page = SegoFrames.pageKey(s.pid(), s.vpn());
    long key = tags.key(s.device(), s.block());
    if (!swapped.containsKey(page)) {
      swapIns.add(1);
      return HypercallResult.ok(); // a page the hypervisor never tagged (unprotected memory)
    }
    long whom = tags.whom(key);
    if (settings.checkBinding() && whom != BlockTags.anonymous(s.pid(), s.vpn())) {
      return state.violation(s.pid(), CHECK_BINDING, SegoState.where(s.device(), s.block()) + (whom == 0 ? " carries no tag (the kernel wrote it itself)"
          : " is tagged with " + describe(whom) + ", not page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + " of pid " + s.pid()));
    }
    // A copy of this very page, but not its current one (an older slot, or its slot before the last write completed).
    if (settings.checkVersion() && whom == BlockTags.anonymous(s.pid(), s.vpn())
        && (tags.version(key) != swapped.second(page) || swapped.first(page) != key)) {
      return state.violation(s.pid(), CHECK_VERSION, SegoState.where(s.device(), s.block()) + " holds version " + versionText(tags.version(key)) + " of page 0x"
          + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + "; its current version is " + versionText(swapped.second(page))
          + " in block " + BlockTags.blockOf(swapped.first(page)));
    }
    if (frames.bound(s.gfn())) {
      return new HypercallResult.Refused("frame " + s.gfn() + " is an S-page, not free");
    }
    if (frames.frameOf(s.pid(), s.vpn()) >= 0) {
      return new HypercallResult.Refused("page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + " of pid " + s.pid() + " is resident");
    }
    if (guard.guards(s.gfn())) {
      return new HypercallResult.Refused("frame " + s.gfn() + " is a page table");
    }
    frames.bindAnonymousUnmapped(s.gfn(), s.pid(), s.vpn()); // (mapped when the read has completed)
    frames.meta.setState(s.gfn(), PageMetadata.IN_TRANSIT);
    authorizedIn.put(key, s.gfn());
    state.arriving.put(s.gfn(), key, settings.batch() ? s.pte() : 0);
    swapIns.add(1);
    return HypercallResult.ok();
  }

  HypercallResult copyPage(KernelHypercalls.CopyPage c) {
    HypercallResult range = outOfRange(c.pid(), c.vpn());
    if (range != null) {
      return range;
    }
    long src = c.srcGfn();
    long dst = c.dstGfn();
    if (frames.bound(dst) || guard.guards(dst)) {
      return new HypercallResult.Refused("frame " + dst + " is not free");
    }
    boolean protectedSource = frames.bound(src);
    if (protectedSource && (frames.meta.state(src) == PageMetadata.IN_TRANSIT || state.arriving.containsKey(src))) {
      return new HypercallResult.Refused("frame " + src + " is in transit");
    }
    if (protectedSource && !frames.holds(src, c.pid(), c.vpn())) {
      return state.violation(c.pid(), CHECK_INTENT, "copy of gfn " + src + " for " + SegoState.describe(BlockTags.anonymous(c.pid(), c.vpn())) + ": the frame holds "
          + (frames.meta.filePage(src) ? "page " + frames.meta.where(src) + " of secure file " + frames.meta.oid(src)
              : describe(frames.pagesOf(src)[0])));
    }
    boolean intended = viewOf.has(c.pid()) && hv.intents().lookup(c.pid(), c.vpn() << X86.PAGE_SHIFT) != null;
    if (!protectedSource && intended) {
      // An OS frame is no source of a protected page: the page is new (zeroed) or the copy is a lie.
      long pageKey = SegoFrames.pageKey(c.pid(), c.vpn());
      if (frames.frameOf(c.pid(), c.vpn()) >= 0 || swapped.containsKey(pageKey) || state.discarded.containsKey(pageKey)) {
        return state.violation(c.pid(), CHECK_INTENT, "copy of OS frame " + src + " for " + SegoState.describe(BlockTags.anonymous(c.pid(), c.vpn())) + ", which the hypervisor holds elsewhere");
      }
      hv.memory().zeroFrame(frames.host(dst));
      hv.charge(state.scrubCategory, state.scrubNanos);
      frames.bindAnonymous(dst, c.pid(), c.vpn());
      copies.add(1);
      return HypercallResult.ok();
    }
    hv.memory().copyFrame(frames.host(src), frames.host(dst));
    hv.charge(copyCategory, copyNanos);
    if (protectedSource) {
      if (frames.pagesOf(src).length > 1) {
        frames.dropHolder(src, c.pid(), c.vpn());
      } else if (viewOf.view(c.pid()) >= 0) {
        hv.views().get(viewOf.view(c.pid())).unmap(src);
      }
      // The page lives on in dst. A private source stays bound until the kernel releases it (a
      // fork's child not registered yet still maps it), but it is no longer the page's frame:
      // mapping it back for this pid is a violation (MappingCheck).
      frames.bindAnonymous(dst, c.pid(), c.vpn());
    }
    copies.add(1);
    return HypercallResult.ok();
  }

  HypercallResult share(KernelHypercalls.SharePages s) {
    long keep = s.keepGfn();
    long drop = s.dropGfn();
    if (settings.sharing().equals(SegoSettings.SHARE_OFF)) {
      return new HypercallResult.Refused("sharing = off");
    }
    if (keep == drop) {
      return new HypercallResult.Refused("a frame is not shared with itself");
    }
    if (frames.bound(keep) != frames.bound(drop)) {
      return new HypercallResult.Refused("one of the pages is protected and the other is not");
    }
    if (!frames.bound(keep)) {
      return new HypercallResult.Refused("neither page is protected: the kernel can compare them itself");
    }
    PageMetadata m = frames.meta;
    if (m.filePage(keep) || m.filePage(drop) || m.state(keep) == PageMetadata.IN_TRANSIT || m.state(drop) == PageMetadata.IN_TRANSIT
        || dirtyFile.containsKey(drop)) {
      return new HypercallResult.Refused("only resident anonymous pages are merged");
    }
    long[] dropPages = frames.pagesOf(drop);
    if (settings.sharing().equals(SegoSettings.SHARE_WITHIN)) {
      int owner = SegoFrames.pidOf(frames.pagesOf(keep)[0]);
      for (long k : dropPages) {
        if (SegoFrames.pidOf(k) != owner) {
          return new HypercallResult.Refused("the pages belong to different HAPs (sharing = within-hap)");
        }
      }
    }
    hv.memory().read(frames.host(keep) << X86.PAGE_SHIFT, pageA, 0, X86.PAGE_SIZE);
    hv.memory().read(frames.host(drop) << X86.PAGE_SHIFT, pageB, 0, X86.PAGE_SIZE);
    int differ = java.util.Arrays.mismatch(pageA, pageB);
    // A comparison reads both pages up to the first cache line that differs (all of them if equal).
    long lines = differ < 0 ? X86.PAGE_SIZE / 64 : differ / 64 + 1;
    hv.charge(shareCategory, 2 * copyNanos * lines / (X86.PAGE_SIZE / 64));
    if (differ >= 0) {
      return new HypercallResult.Refused("the pages differ");
    }
    frames.release(drop); // (its pages live on in keep)
    for (long k : dropPages) {
      frames.addHolder(keep, SegoFrames.pidOf(k), SegoFrames.vpnOf(k));
    }
    shares.add(1);
    return HypercallResult.ok();
  }

  /** Zeroes {@code gfn} for the kernel: a bound frame is given back first (a page still intended is remembered as discarded). */
  HypercallResult zero(KernelHypercalls.ZeroPage z) {
    long gfn = z.gfn();
    if (dirtyFile.containsKey(gfn)) {
      return lostWrites(gfn, "zeroing");
    }
    state.releaseFrame(gfn);
    guard.written(gfn); // (a page table the hypervisor zeroes is checked again before its HAP runs)
    hv.memory().zeroFrame(frames.host(gfn));
    hv.charge(state.scrubCategory, state.scrubNanos);
    zeroes.add(1);
    return HypercallResult.ok();
  }

  /**
   * {@code pid} no longer maps {@code gfn}: a merged frame loses one of its pages there, any other
   * is scrubbed and given back (a page the HAP still intends is remembered as discarded). A secure-
   * file page written since its last write-back is not given back: its changes would be lost.
   */
  HypercallResult release(KernelHypercalls.ReleasePage r) {
    if (dirtyFile.containsKey(r.gfn())) {
      return lostWrites(r.gfn(), "release");
    }
    if (r.pid() < 0 || !frames.dropHolderPid(r.gfn(), r.pid(), false)) {
      state.releaseFrame(r.gfn());
    }
    releases.add(1);
    return HypercallResult.ok();
  }

  private HypercallResult lostWrites(long gfn, String what) {
    return state.violation(-1, CHECK_VERSION, what + " of gfn " + gfn + ": it holds page " + frames.meta.where(gfn)
        + " of secure file " + frames.meta.oid(gfn) + ", written since its last write-back (its changes would be lost)");
  }

  /** Compaction: bytes, metadata, holders and views of {@code src} move to free frame {@code dst}. */
  HypercallResult move(KernelHypercalls.MovePage m) {
    if (frames.bound(m.dstGfn()) || guard.guards(m.dstGfn())) {
      return new HypercallResult.Refused("frame " + m.dstGfn() + " is not free");
    }
    if (frames.meta.state(m.srcGfn()) == PageMetadata.IN_TRANSIT || state.arriving.containsKey(m.srcGfn())
        || state.authorizedOut.containsKey(m.srcGfn())) {
      return new HypercallResult.Refused("frame " + m.srcGfn() + " is in transit");
    }
    hv.memory().copyFrame(frames.host(m.srcGfn()), frames.host(m.dstGfn()));
    hv.charge(copyCategory, copyNanos);
    if (frames.bound(m.srcGfn())) {
      long dirtyOid = dirtyFile.remove(m.srcGfn());
      frames.move(m.srcGfn(), m.dstGfn());
      if (dirtyOid != 0) {
        dirtyFile.put(m.dstGfn(), dirtyOid);
      }
    }
    moves.add(1);
    return HypercallResult.ok();
  }
}
