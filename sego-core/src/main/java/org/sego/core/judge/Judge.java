package org.sego.core.judge;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sego.api.Experimental;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.Victim;
import org.sego.api.hap.HapProgram;
import org.sego.api.hv.Check;
import org.sego.api.hv.Claim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.VictimProvider;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import org.sego.core.compose.SpecProblem;
import org.sego.core.compose.SpecValidator;
import org.sego.core.compose.SystemSpec;
import org.sego.core.output.Json;
import org.sego.core.run.AdversaryLog;
import org.sego.core.run.SystemRun;
import org.sego.core.sim.SimulationDeadlock;
import org.sego.support.RandomStreams;

/**
 * Runs an attack and its benign twin on the same system and seed, each on fresh copies of the
 * spec's images, and decides the outcome from the logs it alone wrote, the first that applies of
 * FALSE_ALARM, LEAKED, CORRUPTED, DETECTED, PREVENTED, NOT_ATTEMPTED (docs/design.md §6).
 *
 * <p>The judge owns what it judges: the victim comes from the trusted victim library, by the name
 * the attack gives; its canaries derive from a seed the attack never sees; the bytes the adversary
 * wrote itself never count as observed; the guest kernel is the spec's; each boot gets operations
 * valid for that boot only; and a violation earns DETECTED only if it came before the HAP used the
 * first diverging value.
 */
@Experimental("adversary operations")
public final class Judge {
  /** Boots a run may have when the adversary crashes it (each crash is followed by a reboot). */
  private static final int MAX_BOOTS = 3;

  private final PluginRegistry registry;

  public Judge(PluginRegistry registry) {
    this.registry = registry;
  }

  /**
   * Judges {@code attack} on the system {@code tree} (its {@code [guest]} parameters are merged with
   * the ones the attack needs); relative image paths resolve against the working directory.
   */
  public AttackResult judge(Map<String, Object> tree, AttackProvider attack, Parameters params, Path outDir) {
    return judge(tree, Path.of("").toAbsolutePath(), attack, params, outDir);
  }

  /**
   * Judges {@code attack} on {@code tree}, whose relative image paths resolve against {@code specDir}.
   * With {@code outDir}, writes {@code attack/} and {@code twin/} run folders (each with the fresh
   * copies of the images it ran on) and {@code attack.json}.
   */
  public AttackResult judge(Map<String, Object> tree, Path specDir, AttackProvider attack, Parameters params,
      Path outDir) {
    Map<String, Object> withGuest = withGuest(tree, attack, params);
    SystemSpec spec = new SpecValidator(registry).relativeTo(specDir).validate("attack system", withGuest);
    long seed = spec.seed();
    VictimProvider victim = victim(attack, params);
    Parameters victimParams = victimParameters(attack, params, victim);
    Observed twin = runOnce(withGuest, specDir, attack, params, victim, victimParams, seed, true, outDir, "twin",
        TWIN_BOOT_LIMIT_NANOS);
    // The attack run may take longer (waits, retries), but not without bound: a victim the adversary
    // stalls forever (while the kernel's daemons tick on) stops at this limit.
    long limit = Math.addExact(Math.multiplyExact(10, twin.longestBoot()), 1_000_000_000L);
    Observed run = runOnce(withGuest, specDir, attack, params, victim, victimParams, seed, false, outDir, "attack", limit);
    AttackResult result = Verdicts.decide(attack, victim.secretPages(victimParams), canarySeed(seed), twin, run);
    if (outDir != null) {
      Json.write(outDir.resolve("attack.json"), result.toTree());
    }
    return result;
  }

  /**
   * Judges {@code attack} on {@code tree} and on its baseline (docs/design.md §6): {@code none}, or for an
   * attack that names a check it targets, the same strategy with that check switched off. The
   * result says whether the attack proves anything: it must violate its property under its baseline
   * ({@link AttackResult#provesNothing()}). With {@code outDir}, the baseline's runs are in {@code
   * baseline/}.
   */
  public AttackResult judgeWithBaseline(Map<String, Object> tree, Path specDir, AttackProvider attack, Parameters params,
      Path outDir) {
    BaselineSystem baseline = baseline(tree, attack);
    AttackResult target = judge(tree, specDir, attack, params, outDir);
    AttackResult base = baseline.strategy().equals(strategyTable(tree)) ? target
        : judge(withStrategy(tree, baseline.strategy()), specDir, attack, params,
            outDir == null ? null : outDir.resolve("baseline"));
    AttackResult result = target.withBaseline(AttackResult.Baseline.of(baseline.name(), base));
    if (outDir != null) {
      Json.write(outDir.resolve("attack.json"), result.toTree());
    }
    return result;
  }

  /**
   * The attack's row of an attack matrix: judged on {@code tree} under each of {@code strategies}
   * (the tree's strategy name replaced, its parameters kept only for the same name), each with its
   * baseline; the {@code none} baseline is judged once for the row. Run folders go to {@code
   * outDir/<strategy>/} and {@code outDir/baseline/}. A cell is null where the attack targets a check
   * the strategy does not declare.
   */
  public List<AttackResult> judgeAcross(Map<String, Object> tree, Path specDir, AttackProvider attack, Parameters params,
      List<String> strategies, Path outDir) {
    List<AttackResult> row = new ArrayList<>();
    AttackResult none = null;
    for (String name : strategies) {
      Map<String, Object> table = strategyTable(tree);
      if (!table.get("name").equals(name)) {
        table = new LinkedHashMap<>(Map.of("name", name));
      }
      Map<String, Object> system = withStrategy(tree, table);
      Path out = outDir == null ? null : outDir.resolve(name);
      if (attack.targetedCheck().isPresent()) {
        boolean declares = SystemRun.describeStrategy(registry, name).checks().stream()
            .anyMatch(c -> c.name().equals(attack.targetedCheck().get()));
        // An attack on a check the strategy does not have says nothing about it: no cell.
        row.add(declares ? judgeWithBaseline(system, specDir, attack, params, out) : null);
        continue;
      }
      if (none == null) {
        none = judge(withStrategy(tree, new LinkedHashMap<>(Map.of("name", "none"))), specDir, attack, params,
            outDir == null ? null : outDir.resolve("baseline"));
      }
      AttackResult r = name.equals("none") ? none : judge(system, specDir, attack, params, out);
      row.add(r.withBaseline(AttackResult.Baseline.of("none", none)));
    }
    return row;
  }

  /** The victim's output with no attack installed at all: what a benign twin must reproduce. */
  public List<String> outputWithoutAttack(Map<String, Object> tree, AttackProvider attack, Parameters params) {
    return outputWithoutAttack(tree, Path.of("").toAbsolutePath(), attack, params);
  }

  /** As {@link #outputWithoutAttack(Map, AttackProvider, Parameters)}, image paths resolved against {@code specDir}. */
  public List<String> outputWithoutAttack(Map<String, Object> tree, Path specDir, AttackProvider attack,
      Parameters params) {
    Map<String, Object> withGuest = withGuest(tree, attack, params);
    long seed = new SpecValidator(registry).validate("attack system", withGuest).seed();
    VictimProvider victim = victim(attack, params);
    Parameters victimParams = victimParameters(attack, params, victim);
    List<String> output = new ArrayList<>();
    Path images = FreshImages.tempDir();
    try (SystemRun run = SegoSystem.fromTree("attack system", FreshImages.of(withGuest, specDir, images),
        registry).start()) {
      run.bootGuest();
      run.startHap(victim.program(victimParams, canarySeed(seed)), (pid, label, value) -> output.add(label + "=" + value));
      run.run();
    } finally {
      FreshImages.delete(images);
    }
    return output;
  }

  /** The default system attacks run on: {@code strategy}, the linuxlike guest, an NVMe swap device. */
  public static Map<String, Object> defaultSystem(String strategy, long seed) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("system", new LinkedHashMap<>(Map.of("seed", seed, "memory", "128 MiB")));
    tree.put("strategy", new LinkedHashMap<>(Map.of("name", strategy)));
    Map<String, Object> devices = new LinkedHashMap<>();
    devices.put("swap", Map.of("model", "nvme", "size", "64 MiB"));
    devices.put("disk", Map.of("model", "nvme", "size", "64 MiB"));
    // The hypervisor's own device, for a strategy's metadata store (the guest cannot address it).
    devices.put("hvstore", Map.of("model", "sata-ssd", "size", "16 MiB", "access", "hypervisor"));
    tree.put("devices", devices);
    tree.put("guest", new LinkedHashMap<>(Map.of("name", "linuxlike")));
    return tree;
  }

  /** The seed of the victim's canaries: derived from the system's seed, never handed to the attack. */
  static long canarySeed(long seed) {
    // One-way (SHA-256), so the attack's seed, derived from the same system seed, tells nothing of it.
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
          ("sego judge: victim canaries of system seed " + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.nio.ByteBuffer.wrap(h).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** The attack's own seed. */
  static long attackSeed(long seed) {
    return RandomStreams.mix(seed, "judge.attack");
  }

  private VictimProvider victim(AttackProvider attack, Parameters params) {
    Victim v = attack.victim(params);
    if (v == null) {
      throw new SpecException("attack " + attack.name(), List.of(new SpecProblem("victim", null,
          "names no victim; it must name one of the victim library's: " + registry.names(PluginKind.VICTIM))));
    }
    return (VictimProvider) registry.find(PluginKind.VICTIM, v.name()).orElseThrow(() -> new SpecException(
        "attack " + attack.name(), List.of(new SpecProblem("victim", v.name(), "the trusted victim library ("
            + PluginRegistry.VICTIM_LIBRARY + ") does not have it; it has: " + registry.names(PluginKind.VICTIM)))));
  }

  private Parameters victimParameters(AttackProvider attack, Parameters params, VictimProvider victim) {
    return new SpecValidator(registry).resolveParameters("attack." + attack.name() + ".victim." + victim.name(), victim,
        new LinkedHashMap<>(attack.victim(params).parameters()));
  }

  /** The attack's guest parameters merged into the spec's [guest]: they may tune it, never name or replace it. */
  @SuppressWarnings("unchecked")
  Map<String, Object> withGuest(Map<String, Object> tree, AttackProvider attack, Parameters params) {
    Map<String, Object> wanted = attack.guestParameters(params);
    if (wanted.containsKey("name")) {
      throw new SpecException("attack " + attack.name(), List.of(new SpecProblem("guestParameters.name", wanted.get("name"),
          "an attack may not choose the guest kernel; it attacks the spec's (give the kernel parameters it needs, "
              + "such as memory-limit or swap-device)")));
    }
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    Map<String, Object> guest = new LinkedHashMap<>();
    if (tree.get("guest") instanceof Map) {
      guest.putAll((Map<String, Object>) tree.get("guest"));
    }
    guest.putIfAbsent("name", "linuxlike");
    guest.putAll(wanted);
    copy.put("guest", guest);
    copy.remove("workload");
    return copy;
  }

  // ---- baselines ---------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Object> strategyTable(Map<String, Object> tree) {
    Object t = tree.get("strategy");
    Map<String, Object> m = new LinkedHashMap<>();
    if (t instanceof Map) {
      m.putAll((Map<String, Object>) t);
    }
    m.putIfAbsent("name", "none");
    return m;
  }

  private static Map<String, Object> withStrategy(Map<String, Object> tree, Map<String, Object> strategy) {
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    copy.put("strategy", strategy);
    return copy;
  }

  /** A baseline: the {@code [strategy]} table it runs and how it is named. */
  private record BaselineSystem(Map<String, Object> strategy, String name) {}

  private BaselineSystem baseline(Map<String, Object> tree, AttackProvider attack) {
    Optional<String> check = attack.targetedCheck();
    if (check.isEmpty()) {
      return new BaselineSystem(new LinkedHashMap<>(Map.of("name", "none")), "none");
    }
    Map<String, Object> strategy = strategyTable(tree);
    String name = strategy.get("name").toString();
    List<Check> checks = SystemRun.describeStrategy(registry, name).checks();
    Check c = checks.stream().filter(k -> k.name().equals(check.get())).findFirst().orElseThrow(() ->
        new SpecException("attack " + attack.name(), List.of(new SpecProblem("targetedCheck", check.get(),
            "strategy " + name + " declares no such check, so the attack has no baseline against it; its checks: "
                + checks.stream().map(Check::name).toList()))));
    strategy.put(c.parameter(), false);
    return new BaselineSystem(strategy, name + " with " + c.parameter() + " off");
  }

  // ---- one run -----------------------------------------------------------------------------------

  /** How long a benign twin's boot may run (simulated): beyond it the twin is stuck. */
  static final long TWIN_BOOT_LIMIT_NANOS = 100_000_000_000L;

  private Observed runOnce(Map<String, Object> tree, Path specDir, AttackProvider attack, Parameters params,
      VictimProvider victim, Parameters victimParams, long seed, boolean benign, Path outDir, String name,
      long bootLimitNanos) {
    Path out = outDir == null ? null : outDir.resolve(name);
    Path images = out == null ? FreshImages.tempDir() : out.resolve("images");
    try {
      return runOn(FreshImages.of(tree, specDir, images), attack, params, victim, victimParams, seed, benign, out,
          bootLimitNanos);
    } finally {
      if (out == null) {
        FreshImages.delete(images);
      }
    }
  }

  private Observed runOn(Map<String, Object> tree, AttackProvider attack, Parameters params, VictimProvider victim,
      Parameters victimParams, long seed, boolean benign, Path out, long bootLimitNanos) {
    SegoSystem system = SegoSystem.fromTree("attack system", tree, registry);
    List<String> output = new ArrayList<>();
    // For each value the victim emitted: how many violations had been raised before it, in all boots.
    List<Integer> violationsBefore = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    List<Observed.When> violationTimes = new ArrayList<>();
    AdversaryLog log = new AdversaryLog();
    Attack a = attack.create(params, attackSeed(seed));
    boolean physical = attack.adversary() == Claim.Adversary.PHYSICAL;
    SystemRun run = out == null ? system.start() : system.start(out);
    String stuck = null;
    long longest = 0;
    try {
      for (int boot = 0; ; boot++) {
        run.bootGuest();
        HapProgram program = victim.program(victimParams, canarySeed(seed));
        SystemRun current = run;
        int earlier = violations.size();
        int victimPid = run.startHap(program, (pid, label, value) -> {
          output.add(label + "=" + value);
          violationsBefore.add(earlier + current.violations().size());
        });
        AdversaryOps ops = run.adversary(log, victimPid, boot, physical);
        run.installHooks(a.hooks(ops, benign), log);
        try {
          if (run.runUntil(bootLimitNanos) && run.adversaryCrash() == 0) {
            stuck = "boot " + boot + " did not end within " + bootLimitNanos + " ns of simulated time";
          }
        } catch (SimulationDeadlock d) {
          // The victim can never run again (its I/O held forever, say): the boot ends where it is.
          stuck = "boot " + boot + ": " + d.getMessage();
        } catch (RuntimeException e) {
          throw new RunFailed("attack " + attack.name() + ": the " + (benign ? "benign twin" : "attack run") + " failed in "
              + "boot " + boot + " (an exception in the attack's hooks, the guest kernel or the strategy): " + e, e);
        }
        longest = Math.max(longest, run.simulation().completionNanos());
        violations.addAll(run.violations());
        int b = boot;
        run.violationTimes().forEach(t -> violationTimes.add(new Observed.When(b, t)));
        if (stuck == null && run.adversaryCrash() > 0 && boot + 1 < MAX_BOOTS) {
          // The adversary crashed the machine: reboot on the same volumes and start the victim again.
          run.crash(run.adversaryCrash() == 2, run.adversaryPowerFailure());
          output.add("reboot=" + (boot + 1));
          violationsBefore.add(violations.size());
          run = SystemRun.reboot(run);
          continue;
        }
        if (out != null && stuck == null) {
          run.writeOutputs(out);
        }
        return new Observed(run.exitStatuses().getOrDefault(victimPid, -1), output, violationsBefore, violations,
            violationTimes, log, run.claims(attack.adversary()), system.spec().strategy().provider().name(), boot + 1,
            stuck, longest);
      }
    } finally {
      run.close();
    }
  }
}
