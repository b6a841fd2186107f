package org.sego.core.sim;

/** A virtual CPU: its clock in nanoseconds and the process it runs, if any. */
final class Vcpu {
  final int id;
  long clock;
  SimProcess current;
  /** The process that ran last, to charge a context switch when another one comes. */
  SimProcess last;
  /** What an idle gap on this vCPU is charged as: {@code io.wait} after a block, else idle. */
  int idleCategory;

  Vcpu(int id) {
    this.id = id;
  }

  /** Moves the clock forward to {@code to} (never back), charging the gap. */
  void advance(long to, int category, int principal, CostAccounts accounts) {
    if (to > clock) {
      accounts.add(id, category, principal, to - clock);
      clock = to;
    }
  }

  /**
   * Starts running {@code p}: the idle gap up to when it became ready is charged as what this vCPU
   * was waiting for, and a different process than the last one costs a context switch.
   */
  void take(SimProcess p, CostAccounts accounts, long contextSwitchNanos) {
    advance(p.readyAt, idleCategory, org.sego.api.sim.Principal.KERNEL, accounts);
    idleCategory = org.sego.api.sim.CostCategory.IDLE;
    if (last != null && last != p) {
      advance(clock + contextSwitchNanos, org.sego.api.sim.CostCategory.CONTEXT_SWITCH,
          org.sego.api.sim.Principal.KERNEL, accounts);
    }
    current = p;
    last = p;
    p.vcpu = this;
    p.state = SimProcess.State.RUNNING;
    p.sliceStart = clock;
  }
}
