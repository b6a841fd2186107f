package org.sego.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecValidator;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;

/** Every built-in attack succeeds against none, and its benign twin is truly benign. */
class AttacksTest {
  static final PluginRegistry REGISTRY = PluginRegistry.discover();

  static AttackProvider attack(String name) {
    return (AttackProvider) REGISTRY.find(PluginKind.ATTACK, name).orElseThrow();
  }

  static Parameters params(AttackProvider a, Map<String, Object> values) {
    return new SpecValidator(REGISTRY).resolveParameters("attack", a, values);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"read-hap-page", "write-hap-page", "remap-hap-page", "replay-swap-slot", "stale-file-block",
      "lie-file-length", "rollback-file", "open-other-file"})
  void eachAttackSucceedsAgainstNoneAndItsTwinIsBenign(String name) {
    AttackProvider a = attack(name);
    Parameters p = params(a, name.equals("replay-swap-slot") ? Map.of("pages", 3072L, "rounds", 4L) : Map.of());
    Map<String, Object> system = Judge.defaultSystem("none", 7);
    Judge judge = new Judge(REGISTRY);
    AttackResult r = judge.judge(system, a, p, null);
    assertTrue(Set.of(Outcome.LEAKED, Outcome.CORRUPTED).contains(r.outcome()), name + ": " + r.outcome() + " " + r.evidence());
    assertTrue(r.propertyViolated(), name + " violates " + r.property() + " under none: " + r.evidence());
    assertFalse(r.claimed(), "none claims nothing");
    assertEquals(List.of(), r.twinRun().violations());
    assertEquals(0, r.twinRun().victimExitStatus());
    assertEquals(0, r.twinRun().adversaryEffects(), "the twin changes nothing");
    List<String> clean = judge.outputWithoutAttack(system, a, p);
    assertEquals(clean, r.twinRun().output(), name + ": the twin's output equals a run with no attack at all");
    assertFalse(clean.isEmpty());
  }

  @Test
  void aRollbackAcrossACrashSucceedsAgainstNoneAndItsTwinCrashesHonestly() {
    AttackProvider a = attack("crash-rollback");
    AttackResult r = new Judge(REGISTRY).judge(Judge.defaultSystem("none", 7), a, params(a, Map.of()), null);
    assertTrue(Set.of(Outcome.LEAKED, Outcome.CORRUPTED).contains(r.outcome()), r.outcome() + " " + r.evidence());
    assertTrue(r.propertyViolated(), "freshness violated: " + r.evidence());
    assertTrue(r.twinRun().output().contains("reboot=1"), "the twin crashed and rebooted too");
    assertEquals(List.of(), r.twinRun().violations());
    assertEquals(0, r.twinRun().victimExitStatus());
    List<String> attackRecovered = r.attackRun().output().stream().filter(o -> o.startsWith("recovered-file")).toList();
    List<String> twinRecovered = r.twinRun().output().stream().filter(o -> o.startsWith("recovered-file")).toList();
    assertEquals(2, twinRecovered.size());
    assertFalse(attackRecovered.equals(twinRecovered), "after the reboot the victim read the rolled-back version");
  }

  @Test
  void anAttackWhoseHookNeverFiresIsNotAttempted() {
    AttackProvider idle = TestAttack.onPages("idle", (p, seed) -> (ops, benign) -> new KernelHooks() {
      @Override
      public void swappedOut(int pid, long vpn, long slot) {
        ops.readBlock("swap", slot);
      }
    });
    AttackResult r = new Judge(REGISTRY).judge(Judge.defaultSystem("none", 3), idle, params(idle, Map.of()), null);
    assertEquals(Outcome.NOT_ATTEMPTED, r.outcome(), r.evidence().toString());
  }

  @Test
  void outcomesAreDeterministic() {
    AttackProvider a = attack("write-hap-page");
    Parameters p = params(a, Map.of());
    Judge judge = new Judge(REGISTRY);
    AttackResult first = judge.judge(Judge.defaultSystem("none", 5), a, p, null);
    AttackResult second = judge.judge(Judge.defaultSystem("none", 5), a, p, null);
    assertEquals(first.toTree(), second.toTree());
  }
}
