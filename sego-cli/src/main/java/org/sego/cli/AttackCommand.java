package org.sego.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import org.sego.core.SegoSystem;
import org.sego.core.compose.SpecValidator;
import org.sego.core.compose.TomlSpecReader;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sego attack NAME --strategy S}: an attack beside its benign twin, judged; writes attack.json. */
@Command(name = "attack", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "Run one attack and its benign twin against its victim HAP, and again under its "
    + "baseline (none, or the strategy with the targeted check off); print the outcome (FALSE_ALARM, LEAKED, CORRUPTED, "
    + "DETECTED, PREVENTED, NOT_ATTEMPTED) with evidence and write attack.json. Exits 3 if the attack proves nothing "
    + "(not LEAKED or CORRUPTED under its baseline) or a twin raised a false alarm.")
final class AttackCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "attack, as `sego list` shows it")
  String name;

  @Option(names = "--strategy", description = "protection strategy (default: the spec's [strategy] table with its "
      + "parameters, or none; with --spec it replaces the name only: parameters stay when the name is the same)")
  String strategy;

  @Option(names = "--spec", description = "system spec to attack (default: 128 MiB, linuxlike, NVMe swap); its [strategy] "
      + "table is used with its parameters")
  Path specFile;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the default system (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--cost-profile", description = "cost profile: a profile plug-in's name (see `sego list`) or a TOML "
      + "profile file (README, \"Cost profiles\"); replaces the spec's system.cost-profile")
  String costProfile;

  @Option(names = "--param", paramLabel = "KEY=VALUE", description = "an attack parameter (repeatable; `sego describe NAME` "
      + "lists them)")
  Map<String, String> attackParams = new java.util.LinkedHashMap<>();

  @Option(names = "--out", description = "folder for attack.json and the two run folders (default: runs/attack-<name>-<strategy>)")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PluginRegistry registry = SegoCommand.registry();
    AttackProvider attack = (AttackProvider) registry.find(PluginKind.ATTACK, name).orElseThrow(() ->
        new SegoCommand.UserError("no attack named '" + name + "'; accepted: " + SegoCommand.join(registry.names(PluginKind.ATTACK)) + SegoCommand.PLUGIN_PATH_HINT));
    if (strategy != null && registry.find(PluginKind.STRATEGY, strategy).isEmpty()) {
      throw new SegoCommand.UserError("--strategy " + strategy + ": no such strategy; accepted: "
          + SegoCommand.join(registry.names(PluginKind.STRATEGY)) + SegoCommand.PLUGIN_PATH_HINT);
    }
    try {
      Map<String, Object> tree = system(specFile, strategy, seed, costProfile, spec);
      String strategyName = strategyName(tree);
      var params = new SpecValidator(registry).resolveParameters("attack." + name, attack, new java.util.LinkedHashMap<String, Object>(attackParams));
      Path dir = out != null ? out : Path.of("runs", "attack-" + name + "-" + strategyName);
      Path specDir = specFile == null ? Path.of("").toAbsolutePath() : specFile.toAbsolutePath().getParent();
      AttackResult r = new Judge(registry).judgeWithBaseline(tree, specDir, attack, params, dir);
      var o = spec.commandLine().getOut();
      o.println("attack " + r.attack() + " vs " + r.strategy() + ": " + r.outcome() + " (" + r.property() + " against "
          + adversaryName(r.adversary()) + ", " + (r.claimed() ? "claimed by the strategy" : "not claimed by the strategy")
          + (r.haltedHap() ? ", HAP halted" : "") + ")");
      for (String e : r.evidence()) {
        o.println("  " + e);
      }
      var b = r.baseline().orElseThrow();
      o.println("baseline " + b.system() + ": " + b.outcome() + (r.provesNothing()
          ? " -- the attack proves nothing: under its baseline it must violate " + r.property()
              + (r.property().startsWith("confidentiality") ? " (LEAKED)" : " (CORRUPTED: the HAP used a wrong value)")
          : ""));
      if (r.provesNothing()) {
        b.evidence().forEach(e -> o.println("  " + e));
      }
      o.println("attack.json and the attack/ and twin/ run folders: " + dir);
      o.flush();
      if (r.failed()) {
        spec.commandLine().getErr().println("sego: " + (r.provesNothing() ? "attack " + r.attack()
            + " proves nothing: under its baseline (" + b.system() + ") it is " + b.outcome()
            : "a benign twin raised a violation (FALSE_ALARM): a defect of the strategy"));
        return FAILED;
      }
      return 0;
    } catch (SpecException e) {
      spec.commandLine().getErr().println("sego: " + e.getMessage());
      return SegoCommand.USAGE;
    }
  }

  /**
   * The system an attack runs on: the spec's (its relative cost-profile file resolved against its
   * folder; {@code strategy} replacing the name by the rule of {@code run}), or the default system.
   */
  static Map<String, Object> system(Path specFile, String strategy, long seed, String costProfile,
      CommandLine.Model.CommandSpec spec) {
    Map<String, Object> tree;
    if (specFile != null) {
      tree = TomlSpecReader.read(specFile);
      tree = specRelativeCostProfile(tree, specFile);
      if (strategy != null) {
        java.util.List<String> notes = new java.util.ArrayList<>();
        tree = SpecValidator.withName(tree, "strategy", strategy, notes);
        SegoCommand.notes(spec, notes);
      }
    } else {
      tree = Judge.defaultSystem(strategy == null ? "none" : strategy, seed);
    }
    if (costProfile != null) {
      tree = SpecValidator.withSystemValue(tree, "cost-profile", SegoSystem.costProfileArgument(costProfile));
    }
    return tree;
  }

  /** A spec's relative cost-profile file resolves against the spec's folder, as {@code run} resolves it. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> specRelativeCostProfile(Map<String, Object> tree, Path specFile) {
    if (tree.get("system") instanceof Map && ((Map<String, Object>) tree.get("system")).get("cost-profile") instanceof String) {
      String p = (String) ((Map<String, Object>) tree.get("system")).get("cost-profile");
      if (org.sego.core.compose.CostProfileFile.isFile(p)) {
        Path dir = specFile.toAbsolutePath().getParent();
        return SpecValidator.withSystemValue(tree, "cost-profile", dir.resolve(p).toString());
      }
    }
    return tree;
  }

  /** Exit status when the judged attack proves nothing or a twin raised a false alarm. */
  static final int FAILED = 3;

  private static String adversaryName(String adversary) {
    return adversary.equals("PHYSICAL") ? "an adversary with physical access" : "a malicious guest OS";
  }

  /** The strategy a spec tree names ({@code none} when it has no [strategy] table). */
  private static String strategyName(Map<String, Object> tree) {
    Object t = tree.get("strategy");
    Object n = t instanceof Map ? ((Map<?, ?>) t).get("name") : null;
    return n == null ? "none" : n.toString();
  }
}
