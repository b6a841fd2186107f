package org.sego.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.sego.api.hv.Claim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import org.sego.core.compose.SpecValidator;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;
import org.sego.core.output.Json;
import org.sego.core.run.SystemRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sego matrix}: every attack against every strategy, each with its baseline; claims per adversary. */
@Command(name = "matrix", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class,
    description = "Judge every installed attack (or --attacks) against every installed strategy (or --strategies), "
        + "each beside its benign twin and against its baseline; print the matrix with each strategy's claims per "
        + "adversary and write matrix.json. Exits 3 if an attack proves nothing or a twin raised a false alarm.")
final class MatrixCommand implements Callable<Integer> {
  @Option(names = "--strategies", split = ",", description = "strategies (default: every installed one)")
  List<String> strategies;

  @Option(names = "--attacks", split = ",", description = "attacks (default: every installed one), default parameters")
  List<String> attacks;

  @Option(names = "--spec", description = "system spec to attack (default: 128 MiB, linuxlike, NVMe swap)")
  Path specFile;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the default system (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--cost-profile", description = "cost profile: a profile plug-in's name or a TOML profile file")
  String costProfile;

  @Option(names = "--out", defaultValue = "runs/matrix", description = "folder for matrix.json and the run folders "
      + "(default: ${DEFAULT-VALUE})")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PluginRegistry registry = SegoCommand.registry();
    List<String> s = strategies != null ? strategies : registry.names(PluginKind.STRATEGY);
    List<String> a = attacks != null ? attacks : registry.names(PluginKind.ATTACK);
    for (String name : s) {
      if (registry.find(PluginKind.STRATEGY, name).isEmpty()) {
        throw new SegoCommand.UserError("--strategies " + name + ": no such strategy; accepted: "
            + SegoCommand.join(registry.names(PluginKind.STRATEGY)) + SegoCommand.PLUGIN_PATH_HINT);
      }
    }
    for (String name : a) {
      if (registry.find(PluginKind.ATTACK, name).isEmpty()) {
        throw new SegoCommand.UserError("--attacks " + name + ": no such attack; accepted: "
            + SegoCommand.join(registry.names(PluginKind.ATTACK)) + SegoCommand.PLUGIN_PATH_HINT);
      }
    }
    var o = spec.commandLine().getOut();
    try {
      Map<String, Object> tree = AttackCommand.system(specFile, null, seed, costProfile, spec);
      Path specDir = specFile == null ? Path.of("").toAbsolutePath() : specFile.toAbsolutePath().getParent();
      Judge judge = new Judge(registry);
      o.println("attack matrix: " + a.size() + " attack(s) x " + s.size() + " strateg" + (s.size() == 1 ? "y" : "ies"));
      List<Map<String, Object>> strategyTrees = new ArrayList<>();
      for (String name : s) {
        SystemRun.StrategyFacts f = SystemRun.describeStrategy(registry, name);
        Map<String, Object> claims = new TreeMap<>();
        for (Claim.Adversary adv : Claim.Adversary.values()) {
          claims.put(adv.name(), f.claims().stream().filter(c -> c.adversary() == adv).map(Claim::property).toList());
        }
        strategyTrees.add(Map.of("name", name, "claims", claims));
        o.println("  " + name + " claims against the guest OS: " + list(claims.get("GUEST_OS")) + "; against physical access: "
            + list(claims.get("PHYSICAL")));
      }
      o.println();
      String header = String.format("%-18s %-9s %-20s %-11s", "attack", "adversary", "property", "baseline");
      StringBuilder h = new StringBuilder(header);
      for (String name : s) {
        h.append(String.format(" %-24s", name));
      }
      o.println(h);
      List<Map<String, Object>> rows = new ArrayList<>();
      boolean failed = false;
      for (String name : a) {
        AttackProvider attack = (AttackProvider) registry.find(PluginKind.ATTACK, name).orElseThrow();
        var params = new SpecValidator(registry).resolveParameters("attack." + name, attack, new LinkedHashMap<>());
        List<AttackResult> row = judge.judgeAcross(tree, specDir, attack, params, s, out.resolve(name));
        AttackResult first = row.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (first == null) {
          o.println(String.format("%-18s targets check '%s', which none of these strategies declares", name,
              attack.targetedCheck().orElse("")));
          continue;
        }
        AttackResult.Baseline base = first.baseline().orElseThrow();
        StringBuilder line = new StringBuilder(String.format("%-18s %-9s %-20s %-11s", name,
            attack.adversary() == Claim.Adversary.PHYSICAL ? "physical" : "guest-os", attack.property(),
            base.outcome() + (first.provesNothing() ? "!" : "")));
        Map<String, Object> cells = new TreeMap<>();
        for (int i = 0; i < s.size(); i++) {
          AttackResult r = row.get(i);
          if (r == null) {
            line.append(String.format(" %-24s", "n/a (no such check)"));
            continue;
          }
          failed |= r.failed();
          boolean violated = r.claimViolated() && !r.provesNothing();
          line.append(String.format(" %-24s", r.outcome() + (r.claimed() ? (violated ? " claim violated" : " claimed") : "")));
          Map<String, Object> cell = new TreeMap<>();
          cell.put("outcome", r.outcome().name());
          cell.put("claimed", r.claimed());
          cell.put("claimViolated", violated);
          cell.put("provesSomething", !r.provesNothing());
          cell.put("baseline", r.baseline().orElseThrow().system());
          cell.put("evidence", r.evidence());
          cells.put(s.get(i), cell);
        }
        o.println(line);
        o.flush();
        Map<String, Object> rowTree = new TreeMap<>();
        rowTree.put("attack", name);
        rowTree.put("adversary", attack.adversary().name());
        rowTree.put("property", attack.property());
        rowTree.put("baseline", Map.of("system", base.system(), "outcome", base.outcome().name(),
            "provesSomething", !first.provesNothing()));
        rowTree.put("cells", cells);
        rows.add(rowTree);
      }
      Map<String, Object> m = new TreeMap<>();
      m.put("schemaVersion", 1);
      m.put("strategies", strategyTrees);
      m.put("attacks", rows);
      Json.write(out.resolve("matrix.json"), m);
      o.println();
      o.println("\"claimed\": the strategy claims the property against the attack's adversary; \"claim violated\": and the "
          + "attack violated it (LEAKED for confidentiality, a wrong value used for integrity and freshness); \"!\" after "
          + "a baseline: the attack proves nothing (it did not violate its property there)");
      o.println("matrix.json and the run folders: " + out);
      o.flush();
      if (failed) {
        spec.commandLine().getErr().println("sego: an attack proves nothing under its baseline, or a twin raised a false "
            + "alarm (see matrix.json)");
        return AttackCommand.FAILED;
      }
      return 0;
    } catch (SpecException e) {
      spec.commandLine().getErr().println("sego: " + e.getMessage());
      return SegoCommand.USAGE;
    }
  }

  private static String list(Object names) {
    List<?> l = (List<?>) names;
    return l.isEmpty() ? "nothing" : l.stream().map(Object::toString).reduce((x, y) -> x + ", " + y).orElse("");
  }
}
