package org.sego.guest.linuxlike.mm;

import org.sego.api.cost.CostProfile;
import org.sego.api.hw.X86;

/**
 * The kernel's own work, in nanoseconds, read once from the run's cost profile (its ports carry
 * it): no figure of the kernel is a literal, so a profile changes every one of them.
 */
public record KernelCosts(long forkPte, long reclaimScan, long compactionScan, long pageHash, long mmap, long boot) {
  public static KernelCosts of(CostProfile p) {
    return new KernelCosts(p.duration(CostProfile.GUEST_FORK_PTE).nanos(), p.duration(CostProfile.GUEST_RECLAIM_SCAN).nanos(),
        p.duration(CostProfile.GUEST_COMPACTION_SCAN).nanos(), p.bandwidth(CostProfile.GUEST_PAGE_HASH).nanosFor(X86.PAGE_SIZE),
        p.duration(CostProfile.GUEST_MMAP).nanos(), p.duration(CostProfile.GUEST_BOOT).nanos());
  }
}
