package org.sego.api.sim;

import org.sego.api.Stable;

/** Work done at a simulated instant: a device completion, a daemon's tick. Runs on the baton holder. */
@Stable(since = "0.1")
@FunctionalInterface
public interface Event {
  void fire(long nowNanos);
}
