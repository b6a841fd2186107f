package org.sego.api.hv;

import org.sego.api.Experimental;

/** What the hypervisor knows of the guest's processes: it sees CR3 loads and registrations, not the kernel's tables. */
@Experimental("grows with the strategies")
public interface GuestProcesses {
  /** The page-table root of live process {@code pid}; throws for a pid that is not alive. */
  long cr3(int pid);

  boolean alive(int pid);

  /** Whether {@code pid} registered as a HAP and the strategy accepted it ({@code Ok} to {@code hap-register}). */
  boolean isHap(int pid);

  /** The process running on {@code vcpu}, or -1. */
  int running(int vcpu);
}
