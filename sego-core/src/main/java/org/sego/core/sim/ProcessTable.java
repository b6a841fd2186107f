package org.sego.core.sim;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulation's processes by pid, in pid order for whatever walks them (stopping, joining, a
 * deadlock's message), and indexed by pid for the lookups of every wake.
 */
final class ProcessTable {
  private static final int MAX_INDEXED_PID = 1 << 16;
  private final Map<Integer, SimProcess> byOrder = new TreeMap<>();
  /** The same processes for pids below {@link #MAX_INDEXED_PID}. */
  private SimProcess[] byPid = new SimProcess[64];

  /** The process {@code pid}, or null. */
  SimProcess get(int pid) {
    return pid >= 0 && pid < byPid.length ? byPid[pid] : byOrder.get(pid);
  }

  /** Whether {@code pid} exists and has not exited. */
  boolean alive(int pid) {
    SimProcess p = get(pid);
    return p != null && p.state != SimProcess.State.EXITED;
  }

  void put(SimProcess p) {
    byOrder.put(p.pid, p);
    if (p.pid >= 0 && p.pid < MAX_INDEXED_PID) {
      if (p.pid >= byPid.length) {
        byPid = Arrays.copyOf(byPid, Math.min(MAX_INDEXED_PID, Math.max(p.pid + 1, byPid.length * 2)));
      }
      byPid[p.pid] = p;
    }
  }

  /** Every process, in pid order. */
  Collection<SimProcess> all() {
    return byOrder.values();
  }

  void clear() {
    byOrder.clear();
    Arrays.fill(byPid, null);
  }
}
