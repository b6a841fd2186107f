package org.sego.core.sim;

import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;
import org.sego.api.sim.Registers;

/**
 * A simulated process as the simulation kernel sees it: its body, page-table root, registers, and
 * the baton its thread waits on. Its state belongs to whichever thread holds the simulation's baton.
 */
public final class SimProcess {
  enum State {
    RUNNABLE,
    RUNNING,
    BLOCKED,
    EXITED
  }

  final int pid;
  final Simulation.ProcessBody body;
  final IntConsumer onExit;
  final long[] registers = new long[Registers.COUNT];
  final Semaphore baton = new Semaphore(0);
  long cr3;
  State state = State.RUNNABLE;
  Thread thread;
  Vcpu vcpu;
  long sliceStart;
  long readyAt;
  int exitStatus;

  SimProcess(int pid, long cr3, Simulation.ProcessBody body, IntConsumer onExit) {
    this.pid = pid;
    this.cr3 = cr3;
    this.body = body;
    this.onExit = onExit;
  }

  public int pid() {
    return pid;
  }

  /** The page-table root (a gpa). */
  public long cr3() {
    return cr3;
  }

  /** The live register file, laid out as {@link Registers}. */
  public long[] registers() {
    return registers;
  }
}
