package org.sego.core.run;

import org.sego.api.cost.CostProfile;
import org.sego.api.hw.X86;

/** The per-event figures of the cost profile, read once per run. */
record RunCosts(long walkStepNanos, long pageFaultNanos, long syscallNanos, long opsPerMicro, long copyPageNanos) {
  static RunCosts of(CostProfile p) {
    return new RunCosts(p.duration(CostProfile.MEM_WALK_STEP).nanos(), p.duration(CostProfile.CPU_PAGE_FAULT).nanos(),
        p.duration(CostProfile.CPU_SYSCALL).nanos(), p.count(CostProfile.CPU_OPS_PER_US),
        p.bandwidth(CostProfile.CPU_COPY).nanosFor(X86.PAGE_SIZE));
  }
}
