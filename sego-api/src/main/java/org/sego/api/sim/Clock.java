package org.sego.api.sim;

import org.sego.api.Stable;

/** Simulated time of the vCPU currently running, in nanoseconds. Only cost charges advance it. */
@Stable(since = "0.1")
public interface Clock {
  long nowNanos();
}
