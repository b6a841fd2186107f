package org.sego.protection.metadata;

import static org.sego.protection.metadata.SegoStrategy.CHECK_INTENT;

import org.sego.api.hv.EptExit;
import org.sego.api.hv.ExitAnswer;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hw.EptView;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongLongMap;

/**
 * The EPT exits under sego: a kernel or DMA touch of an S-page is denied (a write to a guarded
 * page table unprotects it for the next check); a HAP's touch in its own view maps what it may
 * reach: its own tables, unprotected memory, its anonymous pages, the secure-file pages its
 * intents name (read-only until the first write marks them dirty). An OS frame at a protected
 * address is checked as a new mapping.
 */
final class HapExits {
  private final SegoState state;
  private final HypervisorServices hv;
  private final SegoFrames frames;
  private final HapViews viewOf;
  private final LongLongMap dirtyFile;
  private final MappingCheck mapping;
  private final PageGuard guard;
  private final MemoryServices memory;
  private final StatsSink.Counter osDenied;

  HapExits(SegoState state, MappingCheck mapping, PageGuard guard, MemoryServices memory) {
    this.state = state;
    this.hv = state.hv;
    this.frames = state.frames;
    this.viewOf = state.viewOf;
    this.dirtyFile = state.dirtyFile;
    this.mapping = mapping;
    this.guard = guard;
    this.memory = memory;
    this.osDenied = hv.stats().counter(hv.path() + ".os-touches-denied", "accesses", "kernel accesses to an S-page, denied");
  }

  ExitAnswer onEptExit(EptExit exit) {
    long gfn = exit.gfn();
    if (exit.accessor() != EptExit.Accessor.USER) {
      if (exit.write() && guard.written(gfn)) {
        return ExitAnswer.RETRY;
      }
      if (frames.bound(gfn)) {
        osDenied.add(1);
      }
      return ExitAnswer.DENY;
    }
    int pid = exit.pid();
    int v = viewOf.view(pid);
    if (v < 0 || exit.view().id() != v) {
      return ExitAnswer.DENY;
    }
    EptView view = hv.views().get(v);
    if (guard.tableOf(gfn, pid)) {
      view.map(gfn, frames.host(gfn), X86.EPT_RWX); // the MMU walks (and ages) the HAP's own tables
      return ExitAnswer.RETRY;
    }
    PageMetadata m = frames.meta;
    long gvaPage = X86.pageBase(exit.gva());
    if (!frames.bound(gfn)) {
      if (guard.guards(gfn)) {
        return ExitAnswer.DENY; // another process's page table
      }
      if (hv.intents().lookup(pid, gvaPage) != null) {
        // Protected memory in an OS frame: the frame it was checked with went back to the OS since
        // (released, moved, shared, zeroed) while the entry stayed. Checked as a new mapping.
        String evidence = mapping.checkLeaf(pid, gvaPage, gfn, exit.write());
        if (evidence != null) {
          return ExitAnswer.violation(pid, evidence);
        }
      }
      if (!frames.bound(gfn)) {
        view.map(gfn, frames.host(gfn), X86.EPT_RWX); // unprotected memory, the OS's too (checked when mapped)
        return ExitAnswer.RETRY;
      }
    }
    if (state.arriving.containsKey(gfn)) {
      return ExitAnswer.violation(pid, "check " + CHECK_INTENT + ": pid " + pid + " touched gfn " + gfn
          + " before its bytes arrived from the device");
    }
    if (m.filePage(gfn)) {
      MappingIntents.Intent intent = hv.intents().lookup(pid, gvaPage);
      if (intent == null || intent.objectId() != m.oid(gfn)) {
        return ExitAnswer.DENY;
      }
      if (exit.write()) {
        dirtyFile.put(gfn, m.oid(gfn));
        view.map(gfn, frames.host(gfn), X86.EPT_RWX);
      } else {
        view.map(gfn, frames.host(gfn), X86.EPT_R | X86.EPT_X); // its first write marks it dirty
      }
      return ExitAnswer.RETRY;
    }
    if (frames.heldBy(gfn, pid) && frames.frameOf(pid, gvaPage >>> X86.PAGE_SHIFT) == gfn) {
      if (m.state(gfn) == PageMetadata.IN_TRANSIT && exit.write()) {
        memory.backFromSwap(gfn); // the kernel left the entry while it swapped the page out: the page stays
      }
      int s = m.state(gfn);
      view.map(gfn, frames.host(gfn), s == PageMetadata.SHARED_COW || s == PageMetadata.IN_TRANSIT ? X86.EPT_R | X86.EPT_X : X86.EPT_RWX);
      return ExitAnswer.RETRY;
    }
    return ExitAnswer.DENY;
  }
}
