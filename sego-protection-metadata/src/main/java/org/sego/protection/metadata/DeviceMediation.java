package org.sego.protection.metadata;

import org.sego.api.hv.BlockIo;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongLongMap;
import org.sego.support.RunLongMap;

/**
 * The virtual device under sego: every block request of the kernel and the adversary, before the
 * device is reserved. A transfer the hypervisor authorized by hypercall goes through; any other
 * that moves an S-page is refused, and with {@code device-refusal} so is every read of a tagged
 * block and every write of a live one (a write of a stale one drops its tag).
 */
final class DeviceMediation {
  private final SegoState state;
  private final SegoSettings settings;
  private final SegoFrames frames;
  private final PageGuard guard;
  private final BlockTags tags;
  private final SecureFileTable files;
  private final RunLongMap swapped;
  private final LongLongMap authorizedOut;
  private final LongLongMap authorizedIn;
  private final StatsSink.Counter dmaRefused;
  private final StatsSink.Counter adversaryRefused;
  private final StatsSink.Counter releasedAtWrite;
  private final Installer installer;

  /** Installs a folded swap-in's entry for its page (as {@code install-pte} does, checked). */
  @FunctionalInterface
  interface Installer {
    void install(int pid, long gva, long pte);
  }

  DeviceMediation(SegoState state, PageGuard guard, Installer installer) {
    this.installer = installer;
    this.state = state;
    this.settings = state.settings;
    this.frames = state.frames;
    this.guard = guard;
    this.tags = state.tags;
    this.files = state.files;
    this.swapped = state.swapped;
    this.authorizedOut = state.authorizedOut;
    this.authorizedIn = state.authorizedIn;
    String p = state.hv.path();
    StatsSink s = state.hv.stats();
    dmaRefused = s.counter(p + ".dma-refused", "requests", "kernel block requests moving an S-page or a protected block without a hypercall, refused");
    adversaryRefused = s.counter(p + ".adversary-refused", "requests", "the adversary's raw reads and writes of protected blocks or S-pages, refused");
    releasedAtWrite = s.counter(p + ".swap-out-releases", "frames",
        "frames scrubbed and given back when their swap-out write completed (swap-folded: no release hypercall)");
  }

  BlockIo.Answer onBlockIo(BlockIo io) {
    if (io.adversary()) {
      long key = tags.key(io.device(), io.block());
      if ((io.firstGfn() >= 0 && frames.bound(io.firstGfn())) || state.inflight.containsKey(key)) {
        adversaryRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
      if (tags.tagged(key)) {
        if (settings.deviceRefusal() && (!io.write() || live(key))) {
          adversaryRefused.add(1);
          return BlockIo.Answer.REFUSE;
        }
        if (io.write()) {
          tags.drop(key, true);
        }
      }
      if (io.firstGfn() >= 0 && !io.write()) {
        guard.written(io.firstGfn());
      }
      return BlockIo.Answer.PROCEED;
    }
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      long key = tags.key(io.device(), io.block() + i);
      if (frames.bound(gfn) && (io.write() ? authorizedOut.get(gfn) == key : authorizedIn.get(key) == gfn)) {
        continue;
      }
      if (state.inflight.containsKey(key)) {
        dmaRefused.add(1); // a block the hypervisor's own write is still filling: untagged until it completes
        return BlockIo.Answer.REFUSE;
      }
      if (frames.bound(gfn)) {
        dmaRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
      if (settings.deviceRefusal() && tags.tagged(key) && (!io.write() || live(key))) {
        dmaRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
    }
    boolean logged = false;
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      long key = tags.key(io.device(), io.block() + i);
      if (io.write()) {
        if (authorizedOut.get(gfn) == key && frames.bound(gfn)) {
          authorizedOut.remove(gfn);
          long whom = state.out.first(gfn);
          long v = state.out.second(gfn);
          state.out.remove(gfn);
          // (A later authorized write of the block before the first completes: the last one's tag, at the last completion.)
          state.inflight.put(key, whom, v);
          if (state.releaseAtWrite.remove(gfn) != 0) {
            state.inflightRelease.put(key, gfn + 1); // (this write's frame goes back when it completes)
          } else {
            state.inflightRelease.remove(key);
          }
          state.inflightCount.add(key, 1);
          if (state.wal != null && (whom & BlockTags.FILE) != 0) {
            long pageKey = SecureFileTable.pageKey(BlockTags.oidOf(whom), BlockTags.pageOf(whom));
            if (state.dirtyFile.containsKey(gfn)) { // written since its write-back: the bytes the device takes now are logged
              state.wal.log(io.device(), pageKey, v, io.block() + i, frames.host(gfn));
            }
            logged = true;
          }
        } else if (tags.tagged(key)) {
          tags.drop(key, live(key)); // the block now holds something else
        }
      } else {
        if (authorizedIn.get(key) == gfn) {
          authorizedIn.remove(key);
        }
        // (A read into a frame that is a HAP's page table is marked changed at its completion, when its bytes land.)
      }
    }
    if (logged) {
      state.waitForStore(state.wal.sync()); // the in-place write starts once its page's log is durable
    }
    return BlockIo.Answer.PROCEED;
  }

  /**
   * A request let through has completed: an authorized write's block is tagged now (its bytes are
   * there), a secure-file page's new place recorded; an authorized read's frame has its bytes, and
   * an anonymous page is mapped in its HAP's view.
   */
  void blockIoDone(BlockIo io, boolean ok) {
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      long key = tags.key(io.device(), io.block() + i);
      if (io.write() && ok) {
        // Its bytes are in the device now: the next completed flush makes them durable.
        staleReused(io.device(), io.block() + i);
      }
      if (io.write()) {
        if (state.inflight.containsKey(key) && state.inflightCount.add(key, -1) <= 0) {
          state.inflightCount.remove(key);
          long whom = state.inflight.first(key);
          long v = state.inflight.second(key);
          state.inflight.remove(key);
          boolean release = state.inflightRelease.remove(key) == gfn + 1;
          boolean file = (whom & BlockTags.FILE) != 0;
          if (ok && (!file || files.known(BlockTags.oidOf(whom)))) { // (a file deleted meanwhile leaves its block as deletion left it)
            tags.put(key, whom, v);
            if (!file && release) {
              releaseSwappedOut(gfn, key, whom, v);
            }
            if (file && (BlockTags.pageOf(whom) << X86.PAGE_SHIFT) >= files.length(BlockTags.oidOf(whom))) {
              files.markStale(io.block() + i); // a page the file lost to a shrink while its write was in flight
            } else if (file) {
              files.written(io.device(), BlockTags.oidOf(whom), BlockTags.pageOf(whom), io.block() + i, v);
            }
          }
          if (ok && file && state.wal != null) {
            state.wal.issued(SecureFileTable.pageKey(BlockTags.oidOf(whom), BlockTags.pageOf(whom)));
          }
        }
      } else {
        // The bytes land now: a frame that was (or has become) a guarded table is checked again
        // before the HAP runs, whatever was found at submission.
        guard.written(gfn);
      }
      if (!io.write() && state.arriving.first(gfn) == key && authorizedIn.get(key) != gfn) {
        long pte = state.arriving.second(gfn);
        state.arriving.remove(gfn);
        if (ok && frames.bound(gfn) && !frames.meta.filePage(gfn)) {
          int owner = frames.meta.owner(gfn);
          frames.map(owner, gfn, X86.EPT_RWX);
          if (pte != 0) {
            installer.install(owner, frames.meta.where(gfn) << X86.PAGE_SHIFT, pte); // (swap-folded: the kernel sends no install-pte)
          }
        } else if (ok && state.wal != null && frames.bound(gfn)) {
          long pageKey = SecureFileTable.pageKey(frames.meta.oid(gfn), frames.meta.where(gfn));
          long logged = state.wal.recovered(pageKey);
          if (logged != 0 && logged == files.version(frames.meta.oid(gfn), frames.meta.where(gfn))) {
            state.wal.serve(pageKey, frames.host(gfn)); // its block may hold a torn write: the logged image is the page
          }
        }
      }
    }
  }

  /**
   * Swap-folded: the write of {@code gfn} to block {@code key} that completed is its page's
   * current copy, so the frame is scrubbed and given back now (the kernel sends no release). A page
   * the HAP took back meanwhile, or a frame holding anything else, stays.
   */
  private void releaseSwappedOut(long gfn, long key, long whom, long v) {
    if (frames.bound(gfn) && frames.meta.state(gfn) == PageMetadata.IN_TRANSIT && !state.arriving.containsKey(gfn)
        && frames.holds(gfn, SegoFrames.pidOf(whom), SegoFrames.vpnOf(whom)) && swapped.first(whom) == key
        && swapped.second(whom) == v) {
      frames.release(gfn); // (no transfer of it is pending, and its page is in swap: nothing else to forget)
      releasedAtWrite.add(1);
    }
  }

  /** A write of {@code block} of {@code device} completed: if it was a stale secure-file block, it stops being one at the next flush. */
  private void staleReused(String device, long block) {
    if (device.equals(files.device())) {
      files.reused(block);
    }
  }

  /** Whether block {@code key} holds the current copy of a page: a swapped-out page's, or a secure-file page's last write. */
  boolean live(long key) {
    long whom = tags.whom(key);
    if ((whom & BlockTags.FILE) != 0) {
      long oid = BlockTags.oidOf(whom);
      long page = BlockTags.pageOf(whom);
      return files.version(oid, page) == tags.version(key) && files.block(oid, page) == BlockTags.blockOf(key);
    }
    return swapped.first(whom) == key && swapped.second(whom) == tags.version(key);
  }
}
