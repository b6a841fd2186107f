package org.sego.protection.metadata;

import java.util.Arrays;

/**
 * The registered HAPs and the EPT view each runs in: a dense table by pid (asked on every kernel
 * entry and context switch, so it allocates nothing and boxes nothing) and the pids in ascending
 * order for the rare walks over all of them.
 */
final class HapViews {
  private int[] viewByPid = new int[64];
  private int[] pids = new int[8];
  private int count;

  HapViews() {
    Arrays.fill(viewByPid, -1);
  }

  /** The view of HAP {@code pid}, or -1. */
  int view(int pid) {
    return pid >= 0 && pid < viewByPid.length ? viewByPid[pid] : -1;
  }

  boolean has(int pid) {
    return view(pid) >= 0;
  }

  void put(int pid, int view) {
    if (pid >= viewByPid.length) {
      int old = viewByPid.length;
      viewByPid = Arrays.copyOf(viewByPid, Math.max(pid + 1, 2 * old));
      Arrays.fill(viewByPid, old, viewByPid.length, -1);
    }
    if (viewByPid[pid] < 0) {
      if (count == pids.length) {
        pids = Arrays.copyOf(pids, 2 * count);
      }
      int at = Arrays.binarySearch(pids, 0, count, pid);
      at = -at - 1;
      System.arraycopy(pids, at, pids, at + 1, count - at);
      pids[at] = pid;
      count++;
    }
    viewByPid[pid] = view;
  }

  void remove(int pid) {
    if (!has(pid)) {
      return;
    }
    viewByPid[pid] = -1;
    int at = Arrays.binarySearch(pids, 0, count, pid);
    System.arraycopy(pids, at + 1, pids, at, count - at - 1);
    count--;
  }

  void clear() {
    for (int i = 0; i < count; i++) {
      viewByPid[pids[i]] = -1;
    }
    count = 0;
  }

  int count() {
    return count;
  }

  /** The {@code i}-th HAP's pid, ascending. */
  int pidAt(int i) {
    return pids[i];
  }

  int viewAt(int i) {
    return viewByPid[pids[i]];
  }
}
