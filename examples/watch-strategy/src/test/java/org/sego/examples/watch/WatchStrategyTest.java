package org.sego.examples.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.Outcome;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;
import org.sego.core.run.SystemRun;
import org.sego.support.PluginModuleRules;

/** The watch strategy does a strategy's job with what {@code sego-api} gives it, and nothing else. */
class WatchStrategyTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();

  private static AttackResult judge(String attack, Map<String, Object> strategyParams, Map<String, Object> attackParams) {
    AttackProvider a = (AttackProvider) REGISTRY.find(PluginKind.ATTACK, attack).orElseThrow();
    Map<String, Object> tree = Judge.defaultSystem("watch", 7);
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) tree.get("strategy");
    s.putAll(strategyParams);
    Parameters p = new org.sego.core.compose.SpecValidator(REGISTRY).resolveParameters("attack." + attack, a, attackParams);
    return new Judge(REGISTRY).judge(tree, a, p, null);
  }

  @Test
  void requiresOnlyTheApiAndPassesDiscoverysChecks() {
    ModuleDescriptor d = WatchStrategy.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(List.of(), PluginModuleRules.check(d));
  }

  @Test
  void aKernelWriteToAWatchedFrameIsDetectedAndTheSwitchedOffCheckLetsItCorrupt() {
    AttackResult on = judge("write-hap-page", Map.of(), Map.of());
    assertEquals(Outcome.DETECTED, on.outcome(), on.evidence() + " " + on.attackRun());
    assertTrue(on.claimed(), "watch claims integrity against the OS");
    assertTrue(on.haltedHap());
    assertTrue(on.evidence().get(0).contains("the kernel wrote frame"), on.evidence().toString());
    AttackResult off = judge("write-hap-page", Map.of("check-kernel-writes", false), Map.of());
    assertEquals(Outcome.CORRUPTED, off.outcome(), off.evidence().toString());
  }

  @Test
  void aReadIsNotPreventedBecauseWatchClaimsNoConfidentiality() {
    AttackResult r = judge("read-hap-page", Map.of(), Map.of());
    assertEquals(Outcome.LEAKED, r.outcome(), r.evidence().toString());
    assertFalse(r.claimed());
  }

  @Test
  void theHapsOwnHypercallIsAnsweredForTheHapAndRefusedFromTheKernelsPortAndStateOutlivesOnlyAGuestCrash() {
    AttackResult guest = judge("watch-probe", Map.of(), Map.of());
    List<String> out = guest.attackRun().output();
    assertTrue(guest.evidence().stream().anyMatch(e -> e.contains("watch-frames in the HAP's name: Refused")),
        guest.evidence().toString());
    assertEquals(List.of("reboot=1", "watched=" + 2 * WatchProbeAttack.PAGES), out,
        "after a guest crash the same instance counts both boots' frames");
    assertEquals(List.of("watched=" + WatchProbeAttack.PAGES), guest.twinRun().output());
    AttackResult power = judge("watch-probe", Map.of(), Map.of("power", true));
    assertEquals(List.of("reboot=1", "watched=" + WatchProbeAttack.PAGES), power.attackRun().output(),
        "after a power failure a fresh instance starts from nothing");
  }

  @Test
  void describeShowsItsClaimAndItsCheckWithTheSwitch() {
    SystemRun.StrategyFacts f = SystemRun.describeStrategy(REGISTRY, "watch");
    assertEquals("integrity", f.claims().get(0).property());
    assertEquals("check-kernel-writes", f.checks().get(0).parameter());
  }
}
