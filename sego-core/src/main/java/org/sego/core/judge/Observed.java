package org.sego.core.judge;

import java.util.List;
import java.util.Set;
import org.sego.core.run.AdversaryLog;

/**
 * One judged run's raw material, as the judge logged it: the victim's exit status and output (with,
 * for each value, how many violations had been raised before it), the violations and their times,
 * the adversary's log, the strategy's claims against the attack's adversary, how many boots it had,
 * why it got stuck if it did, and its longest boot (simulated).
 */
record Observed(int status, List<String> output, List<Integer> violationsBefore, List<String> violations,
    List<Observed.When> violationTimes, AdversaryLog log, Set<String> claims, String strategy, int boots, String stuck,
    long longestBoot) {
  /** When something happened in a judged run: its boot, then simulated time in that boot. */
  record When(int boot, long nanos) {
    @Override
    public String toString() {
      return nanos + " ns of boot " + boot;
    }
  }
}
