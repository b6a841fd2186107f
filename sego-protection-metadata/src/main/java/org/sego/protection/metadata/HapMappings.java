package org.sego.protection.metadata;

import java.util.ArrayList;
import java.util.List;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.posix.Mman;

/**
 * A HAP's own hypercalls about its mappings: protecting a range (anonymous intents around its
 * secure files'), declaring and revoking intents (a revoke forgets the pages the kernel gave back
 * there), and checking that an munmap or mprotect the kernel reported was done, by walking the
 * HAP's page tables.
 */
final class HapMappings {
  private final SegoState state;
  private final HypervisorServices hv;
  private final SecureFileTable files;
  private final PageGuard guard;

  HapMappings(SegoState state, PageGuard guard) {
    this.state = state;
    this.hv = state.hv;
    this.files = state.files;
    this.guard = guard;
  }

  /** {@code pid}'s hypercall if it is one of these (protect, declare or revoke an intent, check a mapping), else null. */
  HypercallResult hapCall(int pid, Hypercall call) {
    if (call instanceof HapHypercalls.Protect) {
      HapHypercalls.Protect p = (HapHypercalls.Protect) call;
      long start = X86.pageBase(p.gva());
      long end = X86.pageBase(p.gva() + p.length() + X86.PAGE_SIZE - 1);
      if (end <= start) {
        return new HypercallResult.Refused("an empty range");
      }
      // A secure file's mapping keeps the intent declared for it; every other page of the range becomes anonymous protected memory.
      for (long at = start; at < end; ) {
        MappingIntents.Intent there = hv.intents().lookup(pid, at);
        if (there != null && there.objectId() != 0) {
          at = there.gva() + there.length();
          continue;
        }
        long to = at + X86.PAGE_SIZE;
        for (MappingIntents.Intent next; to < end && ((next = hv.intents().lookup(pid, to)) == null || next.objectId() == 0); ) {
          to += X86.PAGE_SIZE;
        }
        hv.intents().declare(pid, at, to - at, 0, at);
        at = to;
      }
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.DeclareIntent) {
      HapHypercalls.DeclareIntent d = (HapHypercalls.DeclareIntent) call;
      if (d.objectId() != 0 && !files.known(d.objectId())) {
        return new HypercallResult.Refused("OID " + d.objectId() + " is no secure file of this HAP");
      }
      if (d.objectId() != 0 && (d.offset() < 0 || (d.offset() & (X86.PAGE_SIZE - 1)) != 0
          || (d.offset() + d.length() - 1) >>> X86.PAGE_SHIFT > BlockTags.MAX_FILE_PAGE)) {
        return new HypercallResult.Refused("file offset " + d.offset() + " (+" + d.length() + "): page-aligned, its pages"
            + " within 0.." + BlockTags.MAX_FILE_PAGE);
      }
      try {
        return new HypercallResult.Ok(hv.intents().declare(pid, d.gva(), d.length(), d.objectId(), d.offset()).token());
      } catch (IllegalArgumentException e) {
        return new HypercallResult.Refused(e.getMessage());
      }
    }
    if (call instanceof HapHypercalls.RevokeIntent) {
      HapHypercalls.RevokeIntent r = (HapHypercalls.RevokeIntent) call;
      try {
        if (!hv.intents().revoke(pid, r.gva(), r.length())) {
          return new HypercallResult.Refused("no intent there");
        }
        forgetDiscarded(pid, r.gva(), r.gva() + r.length());
        return HypercallResult.ok();
      } catch (IllegalArgumentException e) {
        return new HypercallResult.Refused(e.getMessage());
      }
    }
    if (call instanceof HapHypercalls.CheckMapping) {
      return checkMapping(pid, (HapHypercalls.CheckMapping) call);
    }
    return null;
  }


  /** An munmap or mprotect the kernel reported done: the HAP's page tables must agree (walked by the hypervisor). */
  private HypercallResult checkMapping(int pid, HapHypercalls.CheckMapping c) {
    long cr3 = hv.processes().cr3(pid);
    long end = c.gva() + c.length();
    if (c.length() <= 0 || (c.gva() & X86.PAGE_MASK) != 0 || end > X86.USER_TOP || end < c.gva()) {
      return new HypercallResult.Refused("a range of user pages, page-aligned");
    }
    for (long gva = c.gva(); gva < end; gva += X86.PAGE_SIZE) {
      long e = guard.leaf(cr3, gva);
      String what = c.prot() < 0 || c.prot() == Mman.PROT_NONE ? (e != 0 ? "still mapped" : null)
          : (e & X86.PTE_RW) != 0 ? "still writable" : null;
      if (what != null) {
        String call = c.prot() < 0 ? "munmap" : "mprotect(" + c.prot() + ")";
        state.violations.add(1); // (the HAP's own call: the shell logs the violation and halts it)
        return new HypercallResult.Violation("check " + (c.prot() < 0 ? Capabilities.CHECK_UNMAP_DONE : Capabilities.CHECK_PROTECT_DONE)
            + ": the kernel reported " + call + " of 0x" + Long.toHexString(c.gva()) + ".. done, but 0x" + Long.toHexString(gva) + " is " + what);
      }
    }
    return HypercallResult.ok();
  }

  /** {@code pid}'s pages in {@code [from, to)} that the kernel gave back are no longer expected (the HAP unmapped them, or is gone). */
  void forgetDiscarded(int pid, long from, long to) {
    if (state.discarded.isEmpty()) {
      return;
    }
    List<Long> gone = new ArrayList<>();
    state.discarded.forEach((page, one) -> {
      long gva = SegoFrames.vpnOf(page) << X86.PAGE_SHIFT;
      if (SegoFrames.pidOf(page) == pid && gva >= from && gva < to) {
        gone.add(page);
      }
    });
    gone.forEach(state.discarded::remove);
  }}
