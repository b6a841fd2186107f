package org.sego.api.attack;

import org.sego.api.Experimental;

/** What the judge observed, in precedence order: the first that applies is the outcome (docs/design.md §6). */
@Experimental("adversary operations")
public enum Outcome {
  /** The benign twin raised a violation: a defect of the strategy, whatever the attack run shows. */
  FALSE_ALARM,
  /** A canary appeared in something the adversary observed. */
  LEAKED,
  /** The HAP's output diverged from its twin's, with no earlier alarm. */
  CORRUPTED,
  /** The attack had an effect and a violation was raised before first use. */
  DETECTED,
  /** The operation had no effect on anything the HAP can reach. */
  PREVENTED,
  /** The hook never fired or the operation never ran. */
  NOT_ATTEMPTED
}
