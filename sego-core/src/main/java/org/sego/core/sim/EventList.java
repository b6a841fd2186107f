package org.sego.core.sim;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.sego.api.sim.Event;

/**
 * Events ordered by time, then by scheduling order; cancelled ids are skipped when reached. A
 * binary heap over parallel arrays (time, sequence number, slot): adding and taking the next event
 * compare two longs and move primitives; each event's component path and event stay in their slot
 * (reused), so the heap moves no references and makes no record per event.
 */
final class EventList {
  private long[] time = new long[64];
  private long[] seq = new long[64];
  /** Heap position to slot. */
  private int[] slot = new int[64];
  /** Per slot: the event's component path and event; free slots are stacked in {@link #freeSlots}. */
  private String[] path = new String[64];
  private Event[] event = new Event[64];
  private int[] freeSlots = new int[64];
  private int freeCount;
  private int slotsUsed;
  private int size;
  private final Set<Long> cancelled = new HashSet<>();
  private long nextSeq;
  /** The event {@link #poll} took last: its time, component path and event. */
  long polledTime;
  String polledPath;
  Event polledEvent;

  long add(long at, String componentPath, Event e) {
    long id = nextSeq++;
    if (size == time.length) {
      int n = size * 2;
      time = Arrays.copyOf(time, n);
      seq = Arrays.copyOf(seq, n);
      slot = Arrays.copyOf(slot, n);
    }
    int sl;
    if (freeCount > 0) {
      sl = freeSlots[--freeCount];
    } else {
      if (slotsUsed == path.length) {
        path = Arrays.copyOf(path, slotsUsed * 2);
        event = Arrays.copyOf(event, slotsUsed * 2);
        freeSlots = Arrays.copyOf(freeSlots, slotsUsed * 2);
      }
      sl = slotsUsed++;
    }
    path[sl] = componentPath;
    event[sl] = e;
    push(at, id, sl);
    return id;
  }

  /** Whether (t1, s1) comes before (t2, s2). */
  private static boolean less(long t1, long s1, long t2, long s2) {
    return t1 < t2 || (t1 == t2 && s1 < s2);
  }

  /** Sifts a new event up from the end (capacity checked by the caller). */
  private void push(long t, long s, int sl) {
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(t, s, time[parent], seq[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, t, s, sl);
  }

  private void move(int from, int to) {
    time[to] = time[from];
    seq[to] = seq[from];
    slot[to] = slot[from];
  }

  private void set(int i, long t, long s, int sl) {
    time[i] = t;
    seq[i] = s;
    slot[i] = sl;
  }

  /** Gives the slot back (its references cleared). */
  private void freeSlot(int sl) {
    path[sl] = null;
    event[sl] = null;
    freeSlots[freeCount++] = sl;
  }

  /** Removes the earliest event (heap position 0), without freeing its slot: the last one sifts down from the top. */
  private void removeTop() {
    int last = --size;
    long t = time[last];
    long s = seq[last];
    int sl = slot[last];
    if (last == 0) {
      return;
    }
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= last) {
        break;
      }
      if (c + 1 < last && less(time[c + 1], seq[c + 1], time[c], seq[c])) {
        c++;
      }
      if (!less(time[c], seq[c], t, s)) {
        break;
      }
      move(c, i);
      i = c;
    }
    set(i, t, s, sl);
  }

  boolean cancel(long id) {
    if (id < 0 || id >= nextSeq) {
      return false;
    }
    return cancelled.add(id);
  }

  /** Drops cancelled events from the top. */
  private void skipCancelled() {
    while (size > 0 && !cancelled.isEmpty() && cancelled.remove(seq[0])) {
      int sl = slot[0];
      removeTop();
      freeSlot(sl);
    }
  }

  /** Whether a live event is pending. */
  boolean hasNext() {
    skipCancelled();
    return size > 0;
  }

  /** The time of the next live event ({@link #hasNext} first), or {@code Long.MAX_VALUE} if none. */
  long nextTime() {
    skipCancelled();
    return size > 0 ? time[0] : Long.MAX_VALUE;
  }

  /** Takes the next live event into {@link #polledTime}, {@link #polledPath}, {@link #polledEvent}; false if none. */
  boolean poll() {
    skipCancelled();
    if (size == 0) {
      return false;
    }
    int sl = slot[0];
    polledTime = time[0];
    polledPath = path[sl];
    polledEvent = event[sl];
    removeTop();
    freeSlot(sl);
    return true;
  }

  /** Cancels {@code id} if it is pending and was scheduled under {@code pathPrefix} (a scan: cancels are rare). */
  boolean cancel(long id, String pathPrefix) {
    for (int i = 0; i < size; i++) {
      if (seq[i] == id) {
        return path[slot[i]].startsWith(pathPrefix) && cancelled.add(id);
      }
    }
    return false;
  }

  /** Drops every pending event whose component path {@code keep} rejects (the guest's, at a crash). */
  void retainOnly(java.util.function.Predicate<String> keep) {
    long[] t = Arrays.copyOf(time, size);
    long[] s = Arrays.copyOf(seq, size);
    int[] sl = Arrays.copyOf(slot, size);
    int n = size;
    size = 0;
    for (int i = 0; i < n; i++) {
      if (keep.test(path[sl[i]]) && !cancelled.contains(s[i])) {
        push(t[i], s[i], sl[i]);
      } else {
        freeSlot(sl[i]);
      }
    }
  }

  int size() {
    return size - cancelled.size();
  }
}
