package org.sego.core.judge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sego.api.Experimental;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.Canaries;
import org.sego.api.attack.Outcome;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.storage.PowerFailure;
import org.sego.api.plugin.Parameters;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecValidator;
import org.sego.core.compose.SystemSpec;
import org.sego.core.output.Json;
import org.sego.core.run.AdversaryLog;
import org.sego.core.run.SystemRun;

/**
 * Runs an attack and its benign twin on the same system and seed, and decides the outcome from the
 * logs alone, the first that applies of FALSE_ALARM, LEAKED, CORRUPTED, DETECTED, PREVENTED,
 * NOT_ATTEMPTED.
 */
@Experimental("adversary operations")
public final class Judge {
  private final PluginRegistry registry;

  public Judge(PluginRegistry registry) {
    this.registry = registry;
  }

  /** One run's raw material. */
  private record Observed(int status, List<String> output, List<String> violations, AdversaryLog log, Set<String> claims,
      String strategy) {}

  /**
   * Judges {@code attack} on the system {@code tree} (its {@code [guest]} parameters are merged with
   * the ones the attack needs). With {@code outDir}, writes {@code attack/} and {@code twin/} run
   * folders and {@code attack.json}.
   */
  public AttackResult judge(Map<String, Object> tree, AttackProvider attack, Parameters params, Path outDir) {
    Map<String, Object> withGuest = withGuest(tree, attack.guestParameters(params));
    SystemSpec spec = new SpecValidator(registry).validate("attack system", withGuest);
    long seed = spec.seed();
    Observed twin = runOnce(withGuest, attack, params, seed, true, outDir == null ? null : outDir.resolve("twin"));
    Observed run = runOnce(withGuest, attack, params, seed, false, outDir == null ? null : outDir.resolve("attack"));
    AttackResult result = decide(attack, params, seed, twin, run);
    if (outDir != null) {
      Json.write(outDir.resolve("attack.json"), result.toTree());
    }
    return result;
  }

  /** The victim's output with no attack installed at all: what a benign twin must reproduce. */
  public List<String> outputWithoutAttack(Map<String, Object> tree, AttackProvider attack, Parameters params) {
    Map<String, Object> withGuest = withGuest(tree, attack.guestParameters(params));
    long seed = new SpecValidator(registry).validate("attack system", withGuest).seed();
    SegoSystem system = SegoSystem.fromTree("attack system", withGuest, registry);
    List<String> output = new ArrayList<>();
    try (SystemRun run = system.start()) {
      run.bootGuest();
      run.startHap(attack.victim(params, seed), (pid, label, value) -> output.add(label + "=" + value));
      run.run();
    }
    return output;
  }

  /** The default system attacks run on: {@code strategy}, the linuxlike guest, an NVMe swap device. */
  public static Map<String, Object> defaultSystem(String strategy, long seed) {
    Map<String, Object> tree = new java.util.LinkedHashMap<>();
    tree.put("system", new java.util.LinkedHashMap<>(Map.of("seed", seed, "memory", "128 MiB")));
    tree.put("strategy", new java.util.LinkedHashMap<>(Map.of("name", strategy)));
    tree.put("devices", new java.util.LinkedHashMap<>(Map.of("swap", Map.of("model", "nvme", "size", "64 MiB"),
        "disk", Map.of("model", "nvme", "size", "64 MiB"))));
    tree.put("guest", new java.util.LinkedHashMap<>(Map.of("name", "linuxlike")));
    return tree;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> withGuest(Map<String, Object> tree, Map<String, Object> guestParams) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>(tree);
    Map<String, Object> guest = new java.util.LinkedHashMap<>();
    if (tree.get("guest") instanceof Map) {
      guest.putAll((Map<String, Object>) tree.get("guest"));
    }
    guest.putIfAbsent("name", "linuxlike");
    guest.putAll(guestParams);
    copy.put("guest", guest);
    copy.remove("workload");
    return copy;
  }

  /** Boots a run may have when the adversary crashes it (each crash is followed by a reboot). */
  private static final int MAX_BOOTS = 3;

  private Observed runOnce(Map<String, Object> tree, AttackProvider attack, Parameters params, long seed, boolean benign,
      Path out) {
    SegoSystem system = SegoSystem.fromTree("attack system", tree, registry);
    List<String> output = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    AdversaryLog log = new AdversaryLog();
    Attack a = attack.create(params, seed);
    SystemRun run = out == null ? system.start() : system.start(out);
    try {
      for (int boot = 0; ; boot++) {
        run.bootGuest();
        int victim = run.startHap(attack.victim(params, seed), (pid, label, value) -> output.add(label + "=" + value));
        AdversaryOps ops = run.adversary(log, victim, boot);
        run.installHooks(a.hooks(ops, benign), log);
        run.runUntil(Long.MAX_VALUE);
        violations.addAll(run.violations());
        if (run.adversaryCrash() > 0 && boot + 1 < MAX_BOOTS) {
          // The adversary crashed the machine: reboot on the same volumes and start the victim again.
          run.crash(run.adversaryCrash() == 2, PowerFailure.loseAll());
          output.add("reboot=" + (boot + 1));
          run = SystemRun.reboot(run);
          continue;
        }
        if (out != null) {
          run.writeOutputs(out);
        }
        return new Observed(run.exitStatuses().getOrDefault(victim, -1), output, violations, log, run.claims(),
            system.spec().strategy().provider().name());
      }
    } finally {
      run.close();
    }
  }

  private static AttackResult decide(AttackProvider attack, Parameters params, long seed, Observed twin, Observed run) {
    List<String> evidence = new ArrayList<>();
    Canaries canaries = new Canaries(seed, attack.secretPages(params));
    Outcome outcome;
    int divergence = firstDivergence(twin, run);
    List<AdversaryLog.Entry> leaks = run.log().entries().stream().filter(e -> canaries.foundIn(e.observed())).toList();
    if (!twin.violations().isEmpty()) {
      outcome = Outcome.FALSE_ALARM;
      evidence.add("the benign twin raised " + twin.violations().size() + " violation(s), first: " + twin.violations().get(0));
    } else if (!leaks.isEmpty()) {
      outcome = Outcome.LEAKED;
      AdversaryLog.Entry e = leaks.get(0);
      evidence.add("a canary appeared in " + e.op() + " of " + e.target() + " at " + e.timeNanos() + " ns ("
          + leaks.size() + " observation(s) held canaries)");
    } else if (divergence >= 0 && run.violations().isEmpty()) {
      outcome = Outcome.CORRUPTED;
      evidence.add("the HAP's output first diverged from its twin's at value " + divergence + ": "
          + at(run.output(), divergence) + " instead of " + at(twin.output(), divergence)
          + (run.status() != twin.status() ? "; exit status " + run.status() + " instead of " + twin.status() : ""));
    } else if ((divergence >= 0 || run.log().effects() > 0) && !run.violations().isEmpty()) {
      outcome = Outcome.DETECTED;
      evidence.add("violation raised: " + run.violations().get(0));
    } else if (run.log().entries().stream().anyMatch(e -> !e.op().equals("note") && !e.op().startsWith("resident"))) {
      outcome = Outcome.PREVENTED;
      run.log().entries().stream().filter(e -> !e.effect() && e.op().startsWith("write")).limit(3)
          .forEach(e -> evidence.add(e.op() + " of " + e.target() + ": " + e.result()));
      if (evidence.isEmpty()) {
        evidence.add("the adversary's operations had no effect the HAP could reach ("
            + run.log().entries().size() + " operations, outputs identical to the twin's)");
      }
    } else {
      outcome = Outcome.NOT_ATTEMPTED;
      evidence.add("no adversary operation ran");
    }
    run.log().entries().stream().filter(e -> e.op().equals("note")).limit(5).forEach(e -> evidence.add("note: " + e.result()));
    boolean halted = run.status() != 0 && twin.status() == 0;
    return new AttackResult(attack.name(), run.strategy(), attack.property(), outcome, run.claims().contains(attack.property()),
        halted, evidence, record(run), record(twin));
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
