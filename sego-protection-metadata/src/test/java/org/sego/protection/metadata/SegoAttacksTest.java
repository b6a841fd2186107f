package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.attack.Victim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecValidator;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;

/**
 * The attack catalogue under {@code sego}: every built-in attack is PREVENTED or DETECTED, citing
 * what stopped it, while it succeeds under {@code none}; and for each off-switch, the attack (or a
 * crafted one) that the check guards gets through once it is off.
 */
class SegoAttacksTest {
  static final PluginRegistry REGISTRY = PluginRegistry.discover();

  static AttackResult judge(AttackProvider attack, Map<String, Object> strategy) {
    Map<String, Object> tree = Judge.defaultSystem("sego", 3);
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) tree.get("strategy");
    s.putAll(strategy);
    Parameters p = new SpecValidator(REGISTRY).resolveParameters("attack", attack, Map.of());
    return new Judge(REGISTRY).judgeWithBaseline(tree, Path.of(""), attack, p, null);
  }

  static AttackProvider builtIn(String name) {
    return (AttackProvider) REGISTRY.find(PluginKind.ATTACK, name).orElseThrow();
  }

  static Stream<String> attacks() {
    return REGISTRY.names(PluginKind.ATTACK).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void everyBuiltInAttackIsPreventedOrDetectedCitingWhatStoppedIt(String name) {
    AttackResult r = judge(builtIn(name), Map.of());
    assertTrue(Set.of(Outcome.PREVENTED, Outcome.DETECTED).contains(r.outcome()), r.outcome() + " " + r.evidence());
    assertTrue(r.claimed() && !r.claimViolated(), "sego claims the property and the claim holds");
    String evidence = String.join(" | ", r.evidence());
    assertTrue(evidence.contains("check ") || evidence.contains("refused by the virtual device")
        || evidence.contains("denied by the OS view"), "the check that stopped it is cited: " + evidence);
    assertTrue(AttackResult.SUCCESS.contains(r.baseline().orElseThrow().outcome()), "it succeeds under none");
    assertTrue(r.twinRun().violations().isEmpty(), "no false alarm: " + r.twinRun().violations());
  }

  static Stream<Arguments> offSwitches() {
    return Stream.of(
        Arguments.of("check-intent", "remap-hap-page"),
        Arguments.of("check-intent", "open-other-file"),
        Arguments.of("check-file-length", "lie-file-length"),
        Arguments.of("device-refusal", "replay-swap-slot"),
        Arguments.of("check-binding", SWAP_OTHER_SLOT.name()),
        Arguments.of("check-version", SWAP_OLD_SLOT.name()));
  }

  static AttackProvider attack(String name) {
    if (name.equals(SWAP_OTHER_SLOT.name())) {
      return SWAP_OTHER_SLOT;
    }
    return name.equals(SWAP_OLD_SLOT.name()) ? SWAP_OLD_SLOT : builtIn(name);
  }

  @ParameterizedTest(name = "{0} off: {1}")
  @MethodSource("offSwitches")
  void eachCheckOffLetsTheAttackItGuardsThrough(String parameter, String name) {
    AttackProvider a = attack(name);
    AttackResult on = judge(a, Map.of());
    assertTrue(Set.of(Outcome.PREVENTED, Outcome.DETECTED).contains(on.outcome()), "on: " + on.outcome() + " " + on.evidence());
    Map<String, Object> off = new HashMap<>(Map.of(parameter, false));
    if (!parameter.equals("device-refusal") && a.property().equals("freshness") && a != SWAP_OLD_SLOT && a != SWAP_OTHER_SLOT) {
      off.put("device-refusal", false);
    }
    AttackResult r = judge(a, off);
    assertTrue(AttackResult.SUCCESS.contains(r.outcome()), parameter + " off: " + r.outcome() + " " + r.evidence());
    assertTrue(r.twinRun().violations().isEmpty(), "no false alarm with it off either: " + r.twinRun().violations());
  }

  /** A memory attack on {@code secret-pages} under pressure, with swap: the kernel answers swap-ins from a slot it chose. */
  private abstract static class SwapAttack extends AttackProvider {
    @Override
    public String property() {
      return "integrity";
    }

    @Override
    public ParameterSchema parameters() {
      return ParameterSchema.of(Parameter.integer("pages", 3072, 4, 1 << 20, "pages", "secret pages"));
    }

    @Override
    public Victim victim(Parameters p) {
      return new Victim("secret-pages", Map.of("pages", p.integer("pages"), "rounds", 6L));
    }

    @Override
    public Map<String, Object> guestParameters(Parameters p) {
      return Map.of("memory-limit", "8 MiB", "swap-device", "swap", "thp", false);
    }

    @Override
    public Attack create(Parameters p, long seed) {
      return (ops, benign) -> new KernelHooks() {
        private final Map<Long, Long> current = new LinkedHashMap<>();
        private final Map<Long, Long> first = new HashMap<>();
        private int redirected;

        @Override
        public void swappedOut(int pid, long vpn, long slot) {
          if (pid == ops.victimPid()) {
            current.put(vpn, slot);
            first.putIfAbsent(vpn, slot);
          }
        }

        @Override
        public long swapIn(int pid, long vpn, long slot) {
          if (benign || pid != ops.victimPid() || redirected >= 8) {
            return slot;
          }
          long other = choose(vpn, slot, current, first);
          if (other >= 0 && other != slot) {
            redirected++;
            ops.note("swapped page 0x" + Long.toHexString(vpn << 12) + " in from slot " + other + " instead of " + slot);
            return other;
          }
          return slot;
        }
      };
    }

    /** The slot to read instead of {@code slot}, or -1. */
    abstract long choose(long vpn, long slot, Map<Long, Long> current, Map<Long, Long> first);
  }

  /** Swap-in of another page's slot (that page is still swapped out there): the tag names another page. */
  static final AttackProvider SWAP_OTHER_SLOT = new SwapAttack() {
    @Override
    public String name() {
      return "test-swap-other-slot";
    }

    @Override
    public String description() {
      return "swaps a page in from the slot of another page of the victim";
    }

    @Override
    long choose(long vpn, long slot, Map<Long, Long> current, Map<Long, Long> first) {
      for (Map.Entry<Long, Long> e : current.entrySet()) {
        if (e.getKey() != vpn) {
          return e.getValue();
        }
      }
      return -1;
    }
  };

  /** Swap-in of the page's first slot when a newer copy is elsewhere: the tag holds an older version. */
  static final AttackProvider SWAP_OLD_SLOT = new SwapAttack() {
    @Override
    public String name() {
      return "test-swap-old-slot";
    }

    @Override
    public String description() {
      return "swaps a page in from the slot its first version went to";
    }

    @Override
    public String property() {
      return "freshness";
    }

    @Override
    long choose(long vpn, long slot, Map<Long, Long> current, Map<Long, Long> first) {
      Long f = first.get(vpn);
      // Only a first slot no other page has been written to since.
      if (f == null || f == slot || current.entrySet().stream().anyMatch(e -> e.getKey() != vpn && e.getValue().equals(f))) {
        return -1;
      }
      return f;
    }
  };

  @org.junit.jupiter.api.Test
  void theCraftedSwapAttacksWorkUnderNone() {
    for (AttackProvider a : List.of(SWAP_OTHER_SLOT, SWAP_OLD_SLOT)) {
      AttackResult r = judge(a, Map.of());
      assertTrue(AttackResult.SUCCESS.contains(r.baseline().orElseThrow().outcome()), a.name() + ": " + r.baseline());
      assertFalse(r.evidence().isEmpty());
    }
    assertEquals(2, List.of(SWAP_OTHER_SLOT, SWAP_OLD_SLOT).size());
  }
}
