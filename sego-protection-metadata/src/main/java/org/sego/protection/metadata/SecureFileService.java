package org.sego.protection.metadata;

import static org.sego.protection.metadata.SegoState.describe;
import static org.sego.protection.metadata.SegoState.versionText;
import static org.sego.protection.metadata.SegoStrategy.CHECK_BINDING;
import static org.sego.protection.metadata.SegoStrategy.CHECK_VERSION;

import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.EptView;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongLongMap;

/**
 * Sego's secure files, the hypervisor's side: the namespace hypercalls of a HAP (bind, unbind,
 * rename, length, confirm-durable) and the kernel's page write-back, read-in and data=journal block
 * copy, each tagged or checked against {@link SecureFileTable}.
 */
final class SecureFileService {
  private final SegoState state;
  private final HypervisorServices hv;
  private final SegoSettings settings;
  private final SegoFrames frames;
  private final HapViews viewOf;
  private final BlockTags tags;
  private final SecureFileTable files;
  private final LongLongMap dirtyFile;
  private final LongLongMap authorizedIn;
  private final PageGuard guard;
  /**
   * Which HAPs hold each secure file open: added at a HAP's open ({@code secure-file-bind}),
   * removed at its last close ({@code secure-file-release}) or its exit. A file whose name goes
   * while any HAP holds it lives on, unnamed, until the last lets go.
   */
  private final java.util.TreeMap<Long, java.util.TreeSet<Integer>> openers = new java.util.TreeMap<>();
  private final StatsSink.Counter fileWriteBacks;
  private final StatsSink.Counter fileReadIns;
  private final StatsSink.Counter blockCopies;

  SecureFileService(SegoState state, PageGuard guard) {
    this.guard = guard;
    this.state = state;
    this.hv = state.hv;
    this.settings = state.settings;
    this.frames = state.frames;
    this.viewOf = state.viewOf;
    this.tags = state.tags;
    this.files = state.files;
    this.dirtyFile = state.dirtyFile;
    this.authorizedIn = state.authorizedIn;
    String p = hv.path();
    StatsSink s = hv.stats();
    fileWriteBacks = s.counter(p + ".file-write-backs", "pages", "secure-file pages written back (tagged with OID, page and version)");
    fileReadIns = s.counter(p + ".file-read-ins", "pages", "secure-file pages read in (tag checked)");
    blockCopies = s.counter(p + ".block-copies", "blocks", "journaled secure-file blocks copied home with their tags");
  }

  /** A HAP's secure-file hypercall, or null if {@code call} is not one. */
  HypercallResult hapCall(int pid, org.sego.api.hypercall.Hypercall call) {
    if (call instanceof org.sego.api.hypercall.HapHypercalls.BindSecureFile) {
      long oid = files.bind(((org.sego.api.hypercall.HapHypercalls.BindSecureFile) call).path());
      if (oid > 0) {
        openers.computeIfAbsent(oid, o -> new java.util.TreeSet<>()).add(pid);
      }
      return new HypercallResult.Ok(oid);
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.LookupSecureFile) {
      return new HypercallResult.Ok(files.certainOid(((org.sego.api.hypercall.HapHypercalls.LookupSecureFile) call).path()));
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.CommitNames) {
      long upTo = ((org.sego.api.hypercall.HapHypercalls.CommitNames) call).upTo();
      if (upTo < 0) {
        return new HypercallResult.Ok(files.nameChanges());
      }
      state.waitForStore(files.commitNames(upTo));
      return HypercallResult.ok();
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.CountSecureFiles) {
      return new HypercallResult.Ok(files.countIn(((org.sego.api.hypercall.HapHypercalls.CountSecureFiles) call).dir()));
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.UnbindSecureFile) {
      org.sego.api.hypercall.HapHypercalls.UnbindSecureFile u = (org.sego.api.hypercall.HapHypercalls.UnbindSecureFile) call;
      long oid = files.unbindName(u.path());
      if (oid == 0) {
        return new HypercallResult.Refused("not bound");
      }
      if (u.held()) {
        openers.computeIfAbsent(oid, o -> new java.util.TreeSet<>()).add(pid);
      }
      if (!openers.containsKey(oid)) {
        deleteFile(oid); // (else its pages stay until the last HAP holding it lets go)
      }
      return new HypercallResult.Ok(oid);
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.ReleaseSecureFile) {
      long oid = ((org.sego.api.hypercall.HapHypercalls.ReleaseSecureFile) call).objectId();
      java.util.TreeSet<Integer> holders = openers.get(oid);
      if (holders == null || !holders.remove(pid)) {
        return new HypercallResult.Refused("OID " + oid + " is no file the HAP holds open");
      }
      letGo(oid, holders);
      return HypercallResult.ok();
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.RenameSecureFile) {
      org.sego.api.hypercall.HapHypercalls.RenameSecureFile r = (org.sego.api.hypercall.HapHypercalls.RenameSecureFile) call;
      long replaced = files.oid(r.to());
      if (replaced != 0 && r.replacedHeld() && files.oid(r.from()) != 0 && !r.from().equals(r.to())) {
        openers.computeIfAbsent(replaced, o -> new java.util.TreeSet<>()).add(pid);
      }
      boolean keep = replaced != 0 && openers.containsKey(replaced);
      if (!files.rename(r.from(), r.to(), this::deletedBlock, keep)) {
        return new HypercallResult.Refused("not bound");
      }
      if (replaced != 0 && replaced != files.oid(r.to())) {
        if (!keep) {
          releaseFile(replaced); // (else its pages stay until the last HAP holding it lets go)
        }
        return new HypercallResult.Ok(replaced);
      }
      return new HypercallResult.Ok(0);
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.SecureFileLength) {
      org.sego.api.hypercall.HapHypercalls.SecureFileLength l = (org.sego.api.hypercall.HapHypercalls.SecureFileLength) call;
      if (!files.known(l.objectId())) {
        return new HypercallResult.Refused("OID " + l.objectId() + " is no secure file");
      }
      if (l.length() >= 0) {
        if (l.length() < files.length(l.objectId())) {
          if (!settings.relaxedFiles()) {
            return new HypercallResult.Refused("a secure file never shrinks (" + files.length(l.objectId()) + " -> " + l.length()
                + "; sfile-rules = \"relaxed\" allows it)");
          }
          long keep = (l.length() + X86.PAGE_SIZE - 1) >>> X86.PAGE_SHIFT;
          files.truncatePages(l.objectId(), keep, this::deletedBlock);
          if (state.wal != null) {
            state.wal.forget(l.objectId(), keep);
          }
        }
        files.setLength(l.objectId(), l.length());
      }
      return new HypercallResult.Ok(files.length(l.objectId()));
    }
    if (call instanceof org.sego.api.hypercall.HapHypercalls.ConfirmDurable) {
      return confirmDurable(((org.sego.api.hypercall.HapHypercalls.ConfirmDurable) call).objectId());
    }
    return null;
  }

  /** A HAP let go of {@code oid} ({@code holders}: those left): an unnamed file nobody holds goes. */
  private void letGo(long oid, java.util.TreeSet<Integer> holders) {
    if (holders.isEmpty()) {
      openers.remove(oid);
      if (files.unnamed(oid)) {
        deleteFile(oid);
      }
    }
  }

  /** HAP {@code pid} is gone: it holds no file any more, and the unnamed ones nobody holds go. */
  void processExited(int pid) {
    for (long oid : new java.util.ArrayList<>(openers.keySet())) {
      java.util.TreeSet<Integer> holders = openers.get(oid);
      if (holders.remove(pid)) {
        letGo(oid, holders);
      }
    }
  }

  /** The guest is gone, and every HAP with it: the unnamed files they held go. */
  void guestCrashed() {
    java.util.List<Long> all = new java.util.ArrayList<>(openers.keySet());
    openers.clear();
    for (long oid : all) {
      if (files.unnamed(oid)) {
        deleteFile(oid);
      }
    }
  }

  /** A file whose name went: its versions, length and pages go (its blocks left stale under secure delete). */
  private void deleteFile(long oid) {
    files.dropFile(oid, this::deletedBlock);
    releaseFile(oid);
  }

  /** The file is gone: its cached pages are scrubbed and given back to the OS, which may reuse their blocks at once. */
  void releaseFile(long oid) {
    if (state.wal != null) {
      state.wal.forget(oid, 0);
    }
    for (long gfn = 0; gfn < hv.guestFrames(); gfn++) {
      if (frames.meta.filePage(gfn) && frames.meta.oid(gfn) == oid) {
        state.releaseFrame(gfn);
      }
    }
  }

  /**
   * A deleted file's block: with secure delete its tag stays (stale: the OS may overwrite the block
   * but never read what the file left there); without it the tag goes and the OS reads the remnant.
   */
  void deletedBlock(long block) {
    if (files.device() == null) {
      return;
    }
    if (settings.secureDelete()) {
      files.markStale(block);
    } else {
      tags.drop(tags.key(files.device(), block), false);
    }
  }

  HypercallResult confirmDurable(long oid) {
    if (!files.known(oid)) {
      return new HypercallResult.Refused("OID " + oid + " is no secure file");
    }
    int[] dirty = {0};
    dirtyFile.forEach((gfn, o) -> {
      if (o == oid) {
        dirty[0]++;
      }
    });
    if (dirty[0] > 0) {
      return new HypercallResult.Refused(dirty[0] + " page(s) of secure file " + oid + " were written since their last write-back");
    }
    int[] pending = {0};
    state.out.forEach((gfn, whom, v) -> pending[0] += (whom & BlockTags.FILE) != 0 && BlockTags.oidOf(whom) == oid ? 1 : 0);
    state.inflight.forEach((key, whom, v) -> pending[0] += (whom & BlockTags.FILE) != 0 && BlockTags.oidOf(whom) == oid ? 1 : 0);
    if (pending[0] > 0) {
      return new HypercallResult.Refused(pending[0] + " page(s) of secure file " + oid + " are not yet written to the device");
    }
    state.waitForStore(files.sync());
    return HypercallResult.ok();
  }

  HypercallResult writeBack(KernelHypercalls.WriteBackFilePage w) {
    long gfn = w.gfn();
    PageMetadata m = frames.meta;
    if (!frames.bound(gfn)) {
      fileWriteBacks.add(1);
      return HypercallResult.ok(); // a page the HAP never mapped as a secure file's: the kernel's own
    }
    long page = w.offset() >>> X86.PAGE_SHIFT;
    if (!m.filePage(gfn) || m.where(gfn) != page) {
      return state.violation(-1, CHECK_BINDING, "write-back of gfn " + gfn + " as page " + page + " of inode " + w.inode()
          + ": the frame holds " + (m.filePage(gfn) ? "page " + m.where(gfn) + " of secure file " + m.oid(gfn)
              : describe(frames.pagesOf(gfn)[0])));
    }
    long oid = m.oid(gfn);
    long known = files.oidOfInode(w.inode());
    if (known != 0 && known != oid) {
      return state.violation(-1, CHECK_BINDING, "inode " + w.inode() + " holds secure file " + known + ", not " + oid);
    }
    if (known == 0) {
      files.bindInode(w.inode(), oid);
    }
    long v = frames.stampVersion(gfn);
    long key = tags.key(w.device(), w.block());
    // Tagged, and recorded as the page's place, when the write completes. (The page's older block,
    // if the file system moved it, keeps its stale tag: it never passes as current.)
    state.authorizeOut(gfn, key, BlockTags.file(oid, page), v);
    dirtyFile.remove(gfn);
    if (state.wal != null) {
      files.useDevice(w.device());
      state.wal.log(w.device(), SecureFileTable.pageKey(oid, page), v, w.block(), frames.host(gfn));
    }
    for (int n = 0; n < viewOf.count(); n++) {
      EptView ev = hv.views().get(viewOf.viewAt(n));
      if (ev.entry(gfn) != 0) {
        ev.setPermissions(gfn, X86.EPT_R | X86.EPT_X); // the next write marks it dirty again
      }
    }
    fileWriteBacks.add(1);
    return HypercallResult.ok();
  }

  HypercallResult readIn(KernelHypercalls.ReadInFilePage r) {
    long key = tags.key(r.device(), r.block());
    long page = r.offset() >>> X86.PAGE_SHIFT;
    if (frames.bound(r.gfn()) || guard.guards(r.gfn())) {
      return new HypercallResult.Refused("frame " + r.gfn() + " is not free");
    }
    long whom = tags.whom(key);
    if (whom == 0 || (whom & BlockTags.FILE) == 0) {
      fileReadIns.add(1);
      return HypercallResult.ok(); // not a tagged secure-file block: it arrives in an OS frame, and no intent accepts it
    }
    if (whom == BlockTags.STALE) {
      // What a file deleted before the power failure left: the guest may still hold it (its unlink was not durable), never read in.
      return new HypercallResult.Refused(SegoState.where(r.device(), r.block()) + " holds what a deleted secure file left");
    }
    long oid = BlockTags.oidOf(whom);
    long tagPage = BlockTags.pageOf(whom);
    long known = files.oidOfInode(r.inode());
    if (settings.checkBinding() && (tagPage != page || (known != 0 && known != oid))) {
      return state.violation(-1, CHECK_BINDING, SegoState.where(r.device(), r.block()) + " is tagged with page " + tagPage + " of secure file " + oid
          + "; the kernel reads it as page " + page + " of inode " + r.inode());
    }
    if (settings.checkVersion() && tags.version(key) != files.version(oid, tagPage)) {
      return state.violation(-1, CHECK_VERSION, SegoState.where(r.device(), r.block()) + " holds version " + versionText(tags.version(key)) + " of page " + tagPage
          + " of secure file " + oid + "; its current version is " + versionText(files.version(oid, tagPage)));
    }
    if (known == 0) {
      files.bindInode(r.inode(), oid);
    }
    frames.bindFile(r.gfn(), ownerFor(), oid, tagPage);
    authorizedIn.put(key, r.gfn());
    state.arriving.put(r.gfn(), key, 0);
    fileReadIns.add(1);
    return HypercallResult.ok();
  }

  /** The owner recorded for a secure-file frame: the namespace is shared by the HAPs, so the first HAP's id stands for it. */
  private int ownerFor() {
    return viewOf.count() == 0 ? 1 : viewOf.pidAt(0);
  }

  /** data=journal: the tags of {@code c}'s blocks move with their bytes (the virtual device copies those). */
  HypercallResult blockCopy(KernelHypercalls.BlockCopy c) {
    for (int k = 0; k < c.count(); k++) {
      long src = tags.key(c.device(), c.srcBlock() + k);
      long dst = tags.key(c.device(), c.dstBlock() + k);
      if (tags.tagged(src)) {
        long whom = tags.whom(src);
        long v = tags.version(src);
        tags.put(dst, whom, v); // the page's tag moves with its bytes
        if ((whom & BlockTags.FILE) != 0) {
          long oid = BlockTags.oidOf(whom);
          long page = BlockTags.pageOf(whom);
          if (files.known(oid) && files.version(oid, page) == v) {
            files.written(c.device(), oid, page, c.dstBlock() + k, v);
          } else {
            files.markStale(c.dstBlock() + k); // an older or deleted page's bytes: stale where they land too
          }
        }
      } else {
        tags.drop(dst, false);
        files.reused(c.dstBlock() + k);
      }
    }
    blockCopies.add(c.count());
    return HypercallResult.ok();
  }
}
