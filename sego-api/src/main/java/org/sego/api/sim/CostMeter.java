package org.sego.api.sim;

import org.sego.api.Stable;

/** Charges simulated time to the running vCPU. The only thing that advances a clock. */
@Stable(since = "0.1")
public interface CostMeter {
  void charge(int category, int principal, long nanos);
}
