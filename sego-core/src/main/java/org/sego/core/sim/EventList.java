package org.sego.core.sim;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import org.sego.api.sim.Event;

/** Events ordered by time, then by scheduling order; cancelled ids are skipped when reached. */
final class EventList {
  record Scheduled(long time, long seq, String path, Event event) implements Comparable<Scheduled> {
    @Override
    public int compareTo(Scheduled o) {
      int c = Long.compare(time, o.time);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
  private final Set<Long> cancelled = new HashSet<>();
  private long nextSeq;

  long add(long time, String path, Event event) {
    long id = nextSeq++;
    queue.add(new Scheduled(time, id, path, event));
    return id;
  }

  boolean cancel(long id) {
    if (id < 0 || id >= nextSeq) {
      return false;
    }
    return cancelled.add(id);
  }

  /** The next live event, without removing it, or null. */
  Scheduled peek() {
    Scheduled s = queue.peek();
    while (s != null && !cancelled.isEmpty() && cancelled.remove(s.seq())) {
      queue.poll();
      s = queue.peek();
    }
    return s;
  }

  Scheduled poll() {
    Scheduled s = peek();
    if (s != null) {
      queue.poll();
    }
    return s;
  }

  /** Cancels {@code id} if it is pending and was scheduled under {@code pathPrefix} (a scan: cancels are rare). */
  boolean cancel(long id, String pathPrefix) {
    for (Scheduled s : queue) {
      if (s.seq() == id) {
        return s.path().startsWith(pathPrefix) && cancelled.add(id);
      }
    }
    return false;
  }

  /** Drops every pending event whose component path {@code keep} rejects (the guest's, at a crash). */
  void retainOnly(java.util.function.Predicate<String> keep) {
    queue.removeIf(s -> !keep.test(s.path()) || cancelled.contains(s.seq()));
  }

  int size() {
    return queue.size() - cancelled.size();
  }
}
