package org.sego.api.sim;

import org.sego.api.Stable;

/**
 * The simulation's event queue, ordered by time and then by the order of scheduling. Events are
 * never threads: they run on whichever thread holds the CPU baton.
 */
@Stable(since = "0.1")
public interface EventQueue {
  /** Schedules {@code event} at {@code atNanos} (not before now); returns an id for {@link #cancel}. */
  long schedule(long atNanos, String componentPath, Event event);

  boolean cancel(long id);
}
