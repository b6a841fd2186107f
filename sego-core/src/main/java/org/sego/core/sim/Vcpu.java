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
}
