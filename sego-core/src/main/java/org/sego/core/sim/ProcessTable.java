package org.sego.core.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.sego.support.PidTable;

/**
 * One boot's processes: looked up by pid on every wake, walked in pid order, and the host threads
 * they run on, which a stop wakes (each unwinds) and a reboot waits for.
 */
final class ProcessTable {
  private final PidTable<SimProcess> byPid = new PidTable<>();

  /** The process {@code pid}, or null. */
  SimProcess get(int pid) {
    return byPid.get(pid);
  }

  /** Whether {@code pid} exists and has not exited. */
  boolean alive(int pid) {
    SimProcess p = get(pid);
    return p != null && p.state != SimProcess.State.EXITED;
  }

  void put(SimProcess p) {
    byPid.put(p.pid, p);
  }

  /** Every process, in pid order. */
  Collection<SimProcess> all() {
    return byPid.values();
  }

  void clear() {
    byPid.clear();
  }

  /** The pids of the processes waiting to be woken. */
  List<Integer> blocked() {
    List<Integer> b = new ArrayList<>();
    for (SimProcess p : all()) {
      if (p.state == SimProcess.State.BLOCKED) {
        b.add(p.pid);
      }
    }
    return b;
  }

  /** Wakes every process parked on its thread, so that each sees the stop and unwinds. */
  void releaseBatons() {
    for (SimProcess p : all()) {
      if (p.thread != null) {
        p.baton.release();
      }
    }
  }

  /** Waits until every process thread but {@code driver}'s (and the caller's) has unwound. */
  void joinThreads(Thread driver) {
    for (SimProcess p : all()) {
      Thread t = p.thread;
      if (t != null && t != driver && t != Thread.currentThread()) {
        try {
          t.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while the stopped boot's processes unwind", e);
        }
        if (t.isAlive()) {
          throw new IllegalStateException("process " + p.pid + " of the stopped boot did not unwind (does its program "
              + "catch the simulation's stop?)");
        }
      }
    }
  }
}
