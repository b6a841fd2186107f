package org.sego.core.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sego.api.attack.Canaries;
import org.sego.api.attack.Outcome;
import org.sego.api.plugin.AttackProvider;
import org.sego.core.compose.SpecException;
import org.sego.core.compose.SpecProblem;
import org.sego.core.run.AdversaryLog;

/**
 * The decision, from the two runs' logs alone: the first that applies of FALSE_ALARM, LEAKED,
 * CORRUPTED, DETECTED, PREVENTED, NOT_ATTEMPTED (docs/design.md §6), and whether the attack violated
 * its property; and the check that the benign twin was benign.
 */
final class Verdicts {
  private Verdicts() {}

  static AttackResult decide(AttackProvider attack, long secretPages, long canarySeed, Observed twin, Observed run) {
    checkTwin(attack, twin, run);
    List<String> evidence = new ArrayList<>();
    Canaries canaries = new Canaries(canarySeed, secretPages);
    Outcome outcome;
    int divergence = firstDivergence(twin, run);
    // A wrong value was used if the attack run's victim emitted one (a different or an extra value);
    // a victim that only stopped early, or exited otherwise, used nothing wrong.
    boolean wrongValue = divergence >= 0 && divergence < run.output().size();
    boolean alarmBeforeUse = wrongValue && run.violationsBefore().get(divergence) > 0;
    boolean corrupted = wrongValue && !alarmBeforeUse;
    boolean stoppedEarly = divergence >= 0 && !wrongValue;
    List<AdversaryLog.Entry> leaks = run.log().entries().stream().filter(e -> canaries.foundIn(e.observed())).toList();
    if (!twin.violations().isEmpty()) {
      outcome = Outcome.FALSE_ALARM;
      evidence.add("the benign twin raised " + twin.violations().size() + " violation(s), first: " + twin.violations().get(0));
    } else if (!leaks.isEmpty()) {
      outcome = Outcome.LEAKED;
      AdversaryLog.Entry e = leaks.get(0);
      evidence.add("a canary appeared in " + e.op() + " of " + e.target() + " at " + e.timeNanos() + " ns of boot "
          + e.boot() + " (" + leaks.size() + " observation(s) held canaries)");
    } else if (corrupted) {
      outcome = Outcome.CORRUPTED;
      evidence.add("the HAP's output first diverged from its twin's at value " + divergence + ": "
          + at(run.output(), divergence) + " instead of " + at(twin.output(), divergence)
          + (run.status() != twin.status() ? "; exit status " + run.status() + " instead of " + twin.status() : ""));
      if (!run.violations().isEmpty()) {
        evidence.add("a violation was raised only at " + run.violationTimes().get(0)
            + ", after the HAP used the diverging value: " + run.violations().get(0));
      }
    } else if (!run.violations().isEmpty() && (divergence >= 0 || run.log().effects() > 0)) {
      outcome = Outcome.DETECTED;
      evidence.add("violation raised at " + run.violationTimes().get(0) + (wrongValue ? ", before the HAP used the "
          + "diverging value " + divergence : stoppedEarly ? ", and the HAP stopped before it used any wrong value" : "")
          + ": " + run.violations().get(0));
    } else if (run.log().entries().stream().anyMatch(Verdicts::isAttempt)) {
      outcome = Outcome.PREVENTED;
      // What stopped it, as the log has it: the first operations the hardware or the hypervisor refused.
      run.log().entries().stream().filter(e -> isAttempt(e) && !e.effect() && refused(e)).limit(3)
          .forEach(e -> evidence.add(e.op() + " of " + e.target() + ": " + e.result()));
      if (evidence.isEmpty()) {
        run.log().entries().stream().filter(e -> isAttempt(e) && !e.effect() && e.op().startsWith("write")).limit(3)
            .forEach(e -> evidence.add(e.op() + " of " + e.target() + ": " + e.result()));
      }
      if (evidence.isEmpty()) {
        evidence.add("the adversary's operations had no effect the HAP could reach ("
            + run.log().entries().size() + " operations" + (stoppedEarly ? ")" : ", outputs identical to the twin's)"));
      }
    } else {
      outcome = Outcome.NOT_ATTEMPTED;
      evidence.add("no adversary operation ran");
    }
    if (stoppedEarly && outcome != Outcome.DETECTED) {
      evidence.add("the HAP stopped early (" + run.output().size() + " of " + twin.output().size() + " values, exit status "
          + run.status() + " instead of " + twin.status() + ") having used no wrong value: availability, which no "
          + "outcome counts");
    }
    if (run.stuck() != null) {
      evidence.add("the victim could never run again: " + run.stuck());
    }
    long stale = run.log().entries().stream().filter(e -> e.op().equals("stale-ops")).count();
    if (stale > 0) {
      evidence.add(stale + " call(s) on operations of an ended boot were refused");
    }
    run.log().entries().stream().filter(e -> e.op().equals("note")).limit(5).forEach(e -> evidence.add("note: " + e.result()));
    boolean halted = run.status() != 0 && twin.status() == 0;
    boolean violated = attack.property().startsWith("confidentiality") ? !leaks.isEmpty() : corrupted;
    return new AttackResult(attack.name(), run.strategy(), attack.property(), attack.adversary().name(), outcome,
        run.claims().contains(attack.property()), violated, halted, evidence, record(run), record(twin), Optional.empty());
  }

  /**
   * A benign twin answers honestly: it may crash where the attack run crashes (so that both reboot
   * alike), and change nothing else. An attack whose twin changed something, or whose runs crashed a
   * different number of times (a crash alone is a denial of service, not corruption), is refused.
   */
  private static void checkTwin(AttackProvider attack, Observed twin, Observed run) {
    List<AdversaryLog.Entry> changed = twin.log().entries().stream().filter(e -> e.effect() && !e.op().equals("crash"))
        .toList();
    if (!changed.isEmpty()) {
      AdversaryLog.Entry e = changed.get(0);
      throw new SpecException("attack " + attack.name(), List.of(new SpecProblem("benign twin", null, "changed "
          + changed.size() + " thing(s), first " + e.op() + " of " + e.target() + " (" + e.result() + "); with "
          + "benignTwin = true the hooks must answer honestly and change nothing (crashing where the attack crashes)")));
    }
    if (twin.boots() != run.boots() && twin.stuck() == null && run.stuck() == null) {
      throw new SpecException("attack " + attack.name(), List.of(new SpecProblem("benign twin", null, "ran " + twin.boots()
          + " boot(s), the attack run " + run.boots() + "; the twin must crash wherever the attack run crashes (a crash "
          + "alone is a denial of service, not corruption)")));
    }
  }

  /** An operation the virtual device, the OS view or the hypervisor refused (its logged result says so). */
  private static boolean refused(AdversaryLog.Entry e) {
    return e.result() != null && (e.result().contains("refused") || e.result().contains("denied"));
  }

  /** An operation that tried something (not a note, a listing or a refused stale call). */
  private static boolean isAttempt(AdversaryLog.Entry e) {
    return !e.op().equals("note") && !e.op().startsWith("resident") && !e.op().equals("stale-ops");
  }

  private static String at(List<String> l, int i) {
    return i < l.size() ? l.get(i) : "(nothing)";
  }

  private static int firstDivergence(Observed twin, Observed run) {
    int n = Math.min(twin.output().size(), run.output().size());
    for (int i = 0; i < n; i++) {
      if (!twin.output().get(i).equals(run.output().get(i))) {
        return i;
      }
    }
    if (twin.output().size() != run.output().size() || twin.status() != run.status()) {
      return n;
    }
    return -1;
  }

  private static AttackResult.RunRecord record(Observed o) {
    return new AttackResult.RunRecord(o.status(), o.output(), o.violations(), o.log().entries().size(), o.log().effects());
  }
}
