package org.sego.core.sim;

import java.util.concurrent.Semaphore;
import org.sego.api.sim.Program;
import org.sego.api.sim.Registers;

/** A simulated process: its program, page-table root, registers, and the baton its thread waits on. */
final class Proc {
  enum State {
    RUNNABLE,
    RUNNING,
    BLOCKED,
    EXITED
  }

  final int pid;
  final Program program;
  final long[] registers = new long[Registers.COUNT];
  final Semaphore baton = new Semaphore(0);
  volatile long cr3;
  State state = State.RUNNABLE;
  Thread thread;
  Vcpu vcpu;
  long sliceStart;
  long readyAt;
  int waitCategory;
  int exitStatus;

  Proc(int pid, long cr3, Program program) {
    this.pid = pid;
    this.cr3 = cr3;
    this.program = program;
  }
}
