package org.sego.core.judge;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.Experimental;
import org.sego.api.attack.Outcome;

/** One judged attack: the outcome with its evidence, and what each of the two runs showed. */
@Experimental("adversary operations")
public record AttackResult(
    String attack,
    String strategy,
    String property,
    Outcome outcome,
    boolean claimed,
    boolean haltedHap,
    List<String> evidence,
    RunRecord attackRun,
    RunRecord twinRun) {

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

  /** The content of {@code attack.json}. */
  public Map<String, Object> toTree() {
    Map<String, Object> m = new TreeMap<>();
    m.put("schemaVersion", 1);
    m.put("attack", attack);
    m.put("strategy", strategy);
    m.put("property", property);
    m.put("outcome", outcome.name());
    m.put("claimed", claimed);
    m.put("haltedHap", haltedHap);
    m.put("evidence", evidence);
    m.put("attackRun", attackRun.toTree());
    m.put("twinRun", twinRun.toTree());
    return m;
  }
}
