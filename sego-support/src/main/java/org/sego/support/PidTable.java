package org.sego.support;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.Experimental;

/**
 * Values by process id: in pid order for whatever walks them, and in an array indexed by pid
 * (below 65,536) for the lookups on hot paths (every wake, every fault), which a {@code TreeMap}
 * of boxed keys made costly. One structure, so the order and the index cannot disagree.
 */
@Experimental("helpers for plug-in authors")
public final class PidTable<T> {
  private static final int MAX_INDEXED = 1 << 16;
  private final TreeMap<Integer, T> byOrder = new TreeMap<>();
  private Object[] byPid = new Object[64];

  /** The value of {@code pid}, or null. */
  @SuppressWarnings("unchecked")
  public T get(int pid) {
    return pid >= 0 && pid < byPid.length ? (T) byPid[pid] : byOrder.get(pid);
  }

  public void put(int pid, T value) {
    byOrder.put(pid, value);
    if (pid >= 0 && pid < MAX_INDEXED) {
      if (pid >= byPid.length) {
        byPid = Arrays.copyOf(byPid, Math.min(MAX_INDEXED, Math.max(pid + 1, byPid.length * 2)));
      }
      byPid[pid] = value;
    }
  }

  public void remove(int pid) {
    byOrder.remove(pid);
    if (pid >= 0 && pid < byPid.length) {
      byPid[pid] = null;
    }
  }

  public void clear() {
    byOrder.clear();
    Arrays.fill(byPid, null);
  }

  /** The values in pid order (a live view). */
  public Collection<T> values() {
    return byOrder.values();
  }

  /** The table as a read-only map in pid order (a live view). */
  public Map<Integer, T> asMap() {
    return Collections.unmodifiableMap(byOrder);
  }
}
