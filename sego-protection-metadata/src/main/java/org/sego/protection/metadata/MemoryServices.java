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
  private final LongLongMap swappedBlock;
  private final LongLongMap swappedVersion;
  private final LongLongMap authorizedOut;
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
  /** The most anonymous pages protected at once: S-pages resident plus pages swapped out. */
  long protectedPeak;

  MemoryServices(SegoState state) {
    this.state = state;
    this.hv = state.hv;
    this.settings = state.settings;
    this.frames = state.frames;
    this.viewOf = state.viewOf;
    this.tags = state.tags;
    this.swappedBlock = state.swappedBlock;
    this.swappedVersion = state.swappedVersion;
    this.authorizedOut = state.authorizedOut;
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

  HypercallResult swapOut(KernelHypercalls.SwapOutPage s) {
    long gfn = s.gfn();
    if (!frames.bound(gfn)) {
      swapOuts.add(1);
      return HypercallResult.ok(); // not an S-page (unprotected memory of the HAP): nothing to tag
    }
    if (!frames.holds(gfn, s.pid(), s.vpn()) || frames.pagesOf(gfn).length != 1) {
      return new HypercallResult.Refused("frame " + gfn + " does not hold page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT)
          + " of " + s.pid() + " alone");
    }
    long v = frames.meta.bumpVersion(gfn, frames.epoch);
    frames.meta.setState(gfn, PageMetadata.IN_TRANSIT);
    long key = tags.key(s.device(), s.block());
    long page = SegoFrames.pageKey(s.pid(), s.vpn());
    tags.put(key, BlockTags.anonymous(s.pid(), s.vpn()), v);
    swappedBlock.put(page, key);
    swappedVersion.put(page, v);
    protectedPeak = Math.max(protectedPeak, frames.boundNow() - 1 + swappedBlock.size());
    authorizedOut.put(gfn, key);
    swapOuts.add(1);
    return HypercallResult.ok();
  }

  HypercallResult swapIn(KernelHypercalls.SwapInPage s) {
    long page = SegoFrames.pageKey(s.pid(), s.vpn());
    long key = tags.key(s.device(), s.block());
    if (!swappedBlock.containsKey(page)) {
      swapIns.add(1);
      return HypercallResult.ok(); // a page the hypervisor never tagged (unprotected memory)
    }
    long whom = tags.whom(key);
    String where = s.device() + " block " + s.block();
    if (settings.checkBinding() && whom != BlockTags.anonymous(s.pid(), s.vpn())) {
      return state.violation(s.pid(), CHECK_BINDING, where + (whom == 0 ? " carries no tag (the kernel wrote it itself)"
          : " is tagged with " + describe(whom) + ", not page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + " of pid " + s.pid()));
    }
    if (settings.checkVersion() && whom == BlockTags.anonymous(s.pid(), s.vpn()) && tags.version(key) != swappedVersion.get(page)) {
      return state.violation(s.pid(), CHECK_VERSION, where + " holds version " + versionText(tags.version(key)) + " of page 0x"
          + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + "; its current version is " + versionText(swappedVersion.get(page)));
    }
    if (frames.bound(s.gfn())) {
      return new HypercallResult.Refused("frame " + s.gfn() + " is an S-page, not free");
    }
    frames.bindAnonymous(s.gfn(), s.pid(), s.vpn());
    frames.meta.setState(s.gfn(), PageMetadata.IN_TRANSIT);
    authorizedIn.put(key, s.gfn());
    swapIns.add(1);
    return HypercallResult.ok();
  }

  HypercallResult copyPage(KernelHypercalls.CopyPage c) {
    if (frames.bound(c.dstGfn())) {
      return new HypercallResult.Refused("frame " + c.dstGfn() + " is an S-page, not free");
    }
    boolean protectedSource = frames.bound(c.srcGfn());
    if (protectedSource && !frames.holds(c.srcGfn(), c.pid(), c.vpn()) && !frames.heldBy(c.srcGfn(), c.pid())) {
      return state.violation(c.pid(), CHECK_INTENT, "copy of gfn " + c.srcGfn() + " for page 0x" + Long.toHexString(c.vpn() << X86.PAGE_SHIFT)
          + " of pid " + c.pid() + ": the frame holds " + describe(frames.pagesOf(c.srcGfn()).length > 0 ? frames.pagesOf(c.srcGfn())[0] : 0));
    }
    hv.memory().copyFrame(frames.host(c.srcGfn()), frames.host(c.dstGfn()));
    hv.charge(copyCategory, copyNanos);
    if (protectedSource) {
      if (frames.holds(c.srcGfn(), c.pid(), c.vpn()) && frames.pagesOf(c.srcGfn()).length > 1) {
        frames.dropHolder(c.srcGfn(), c.pid(), c.vpn());
      }
      frames.bindAnonymous(c.dstGfn(), c.pid(), c.vpn());
    } else if (viewOf.has(c.pid()) && hv.intents().lookup(c.pid(), c.vpn() << X86.PAGE_SHIFT) != null) {
      frames.bindAnonymous(c.dstGfn(), c.pid(), c.vpn());
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
    if (frames.bound(keep) != frames.bound(drop)) {
      return new HypercallResult.Refused("one of the pages is protected and the other is not");
    }
    if (!frames.bound(keep)) {
      return new HypercallResult.Refused("neither page is protected: the kernel can compare them itself");
    }
    PageMetadata m = frames.meta;
    if (m.filePage(keep) || m.filePage(drop) || m.state(keep) == PageMetadata.IN_TRANSIT || m.state(drop) == PageMetadata.IN_TRANSIT) {
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
    frames.release(drop);
    for (long k : dropPages) {
      frames.addHolder(keep, SegoFrames.pidOf(k), SegoFrames.vpnOf(k));
    }
    shares.add(1);
    return HypercallResult.ok();
  }

  HypercallResult zero(KernelHypercalls.ZeroPage z) {
    frames.release(z.gfn());
    hv.memory().zeroFrame(frames.host(z.gfn()));
    hv.charge(state.scrubCategory, state.scrubNanos);
    if (z.pid() >= 0 && viewOf.has(z.pid()) && hv.intents().lookup(z.pid(), z.vpn() << X86.PAGE_SHIFT) != null
        && frames.frameOf(z.pid(), z.vpn()) < 0) {
      frames.bindAnonymous(z.gfn(), z.pid(), z.vpn());
    }
    zeroes.add(1);
    return HypercallResult.ok();
  }

  /** {@code pid} no longer maps {@code gfn}: a merged frame loses one of its pages there, any other is scrubbed and given back. */
  HypercallResult release(KernelHypercalls.ReleasePage r) {
    if (r.pid() < 0 || !frames.dropHolderPid(r.gfn(), r.pid(), false)) {
      frames.release(r.gfn());
      dirtyFile.remove(r.gfn());
    }
    authorizedOut.remove(r.gfn());
    releases.add(1);
    return HypercallResult.ok();
  }

  /** Compaction: bytes, metadata, holders and views of {@code src} move to free frame {@code dst}. */
  HypercallResult move(KernelHypercalls.MovePage m) {
    if (frames.bound(m.dstGfn())) {
      return new HypercallResult.Refused("frame " + m.dstGfn() + " is an S-page, not free");
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
