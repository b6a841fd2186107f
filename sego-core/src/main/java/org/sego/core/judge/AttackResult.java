package org.sego.core.judge;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.sego.api.Experimental;
import org.sego.api.attack.Outcome;

/**
 * One judged attack: the outcome with its evidence, what each of the two runs showed, and, when
 * judged against its baseline, what the baseline showed.
 */
@Experimental("adversary operations")
public record AttackResult(
    String attack,
    String strategy,
    String property,
    String adversary,
    Outcome outcome,
    boolean claimed,
    boolean propertyViolated,
    boolean haltedHap,
    List<String> evidence,
    RunRecord attackRun,
    RunRecord twinRun,
    Optional<Baseline> baseline) {

  /** The outcomes that show an attack works. */
  public static final Set<Outcome> SUCCESS = Set.of(Outcome.LEAKED, Outcome.CORRUPTED);

  /**
   * The attack under its baseline ({@code none}, or the strategy with the targeted check off), and
   * whether it violated its property there.
   */
  public record Baseline(String system, Outcome outcome, boolean propertyViolated, List<String> evidence) {
    static Baseline of(String system, AttackResult r) {
      return new Baseline(system, r.outcome(), r.propertyViolated(), r.evidence());
    }
  }

  /** What one run showed the judge. */
  public record RunRecord(int victimExitStatus, List<String> output, List<String> violations, long adversaryOps,
      long adversaryEffects) {
    Map<String, Object> toTree() {
      Map<String, Object> m = new TreeMap<>();
      m.put("victimExitStatus", victimExitStatus);
      m.put("outputValues", output.size());
      m.put("output", output);
      m.put("violations", violations);
      m.put("adversaryOps", adversaryOps);
      m.put("adversaryEffects", adversaryEffects);
      return m;
    }
  }

  AttackResult withBaseline(Baseline b) {
    return new AttackResult(attack, strategy, property, adversary, outcome, claimed, propertyViolated, haltedHap, evidence,
        attackRun, twinRun, Optional.of(b));
  }

  /**
   * Whether the attack proves nothing here: under its baseline it did not violate its property (a
   * confidentiality attack was not LEAKED, an integrity or freshness attack did not make the HAP use
   * a wrong value, CORRUPTED), so no outcome against the strategy means anything.
   */
  public boolean provesNothing() {
    return baseline.isPresent() && !baseline.get().propertyViolated();
  }

  /** Whether the strategy claims the property and the attack violated it anyway. */
  public boolean claimViolated() {
    return claimed && propertyViolated;
  }

  /** Whether a defect shows: a false alarm here or under the baseline, or an attack that proves nothing. */
  public boolean failed() {
    return outcome == Outcome.FALSE_ALARM || provesNothing()
        || baseline.map(b -> b.outcome() == Outcome.FALSE_ALARM).orElse(false);
  }

  /** The content of {@code attack.json}. */
  public Map<String, Object> toTree() {
    Map<String, Object> m = new TreeMap<>();
    m.put("schemaVersion", 2);
    m.put("attack", attack);
    m.put("strategy", strategy);
    m.put("property", property);
    m.put("adversary", adversary);
    m.put("outcome", outcome.name());
    m.put("claimed", claimed);
    m.put("propertyViolated", propertyViolated);
    m.put("haltedHap", haltedHap);
    m.put("evidence", evidence);
    m.put("attackRun", attackRun.toTree());
    m.put("twinRun", twinRun.toTree());
    baseline.ifPresent(b -> {
      Map<String, Object> t = new TreeMap<>();
      t.put("system", b.system());
      t.put("outcome", b.outcome().name());
      t.put("propertyViolated", b.propertyViolated());
      t.put("evidence", b.evidence());
      t.put("provesSomething", !provesNothing());
      m.put("baseline", t);
    });
    return m;
  }
}
