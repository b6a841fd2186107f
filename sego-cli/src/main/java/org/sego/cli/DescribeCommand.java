package org.sego.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sego.api.cost.CostFigure;
import org.sego.api.plugin.CostProfileProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;
import org.sego.core.compose.PluginRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sego describe NAME}: a plug-in's parameters with units, defaults and descriptions. */
@Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "Show a plug-in's parameters (units, defaults, descriptions) or a cost profile's figures.")
final class DescribeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "plug-in name, as `sego list` shows it, or a cost-profile file (*.toml)")
  String name;

  @Option(names = "--kind", description = "kind, when two kinds share the name: ${COMPLETION-CANDIDATES}",
      converter = KindConverter.class, completionCandidates = KindNames.class)
  PluginKind kind;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PluginRegistry registry = SegoCommand.registry();
    if (org.sego.core.compose.CostProfileFile.isFile(name)) {
      return describeProfileFile(registry);
    }
    List<PluginProvider> found = registry.named(name);
    if (kind != null) {
      found = found.stream().filter(p -> p.kind() == kind).toList();
    }
    if (found.isEmpty()) {
      throw new SegoCommand.UserError("no plug-in named '" + name + "'" + (kind == null ? "" : " of kind " + kind.id())
          + "; accepted: " + SegoCommand.join(kind == null ? registry.allNames() : registry.names(kind))
          + "; a plug-in built outside this tree goes on SEGO_PLUGIN_PATH (README, \"Adding a plug-in\")");
    }
    if (found.size() > 1) {
      throw new SegoCommand.UserError("'" + name + "' names plug-ins of several kinds; add --kind with one of: "
          + SegoCommand.join(found.stream().map(p -> p.kind().id()).toList()));
    }
    PluginProvider p = found.get(0);
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s %s (%s %s)%n  %s%n", p.kind().id(), p.name(), PluginRegistry.moduleName(p), p.version(),
        p.description());
    if (p.kind() == PluginKind.DEVICE) {
      out.println("  defaults shown are the model's own; a cost profile may set others (see `sego describe modern`)");
    }
    List<Parameter> params = p.parameters().parameters();
    out.println(params.isEmpty() ? "parameters: none" : "parameters:");
    for (Parameter q : params) {
      out.printf(Locale.ROOT, "  %-16s %-10s default %-10s unit %-9s %s; %s%n", q.name(), q.type().label(),
          q.required() ? "(required)" : q.defaultValue(), q.unit().isEmpty() ? "-" : q.unit(), q.description(),
          q.accepted());
    }
    if (p.kind() == PluginKind.ATTACK) {
      var a = (org.sego.api.plugin.AttackProvider) p;
      var v = a.victim(new org.sego.core.compose.SpecValidator(registry).resolveParameters("attack." + a.name(), a,
          new java.util.LinkedHashMap<>()));
      out.println("property: " + a.property() + "; adversary: "
          + (a.adversary() == org.sego.api.hv.Claim.Adversary.PHYSICAL ? "physical access" : "the guest OS")
          + "; baseline: " + a.targetedCheck().map(c -> "the strategy with its check '" + c + "' off").orElse("none"));
      out.println("victim (with the default parameters): " + v.name() + " " + new java.util.TreeMap<>(v.parameters()));
    }
    if (p.kind() == PluginKind.STRATEGY) {
      var facts = org.sego.core.run.SystemRun.describeStrategy(registry, p.name());
      var caps = facts.capabilities();
      out.println("services offered to the kernel: " + (caps.services().isEmpty() ? "none" : String.join(", ", caps.services())));
      out.println("trusted-library checks enabled: " + (caps.libraryChecks().isEmpty() ? "none" : ""));
      for (String c : caps.libraryChecks()) {
        out.printf(Locale.ROOT, "  %-20s refuses %s%n", c, org.sego.api.hypercall.Capabilities.LIBRARY_CHECK_DESCRIPTIONS.get(c));
      }
      out.println(facts.claims().isEmpty() ? "claims: none" : "claims:");
      for (var c : facts.claims()) {
        out.printf(Locale.ROOT, "  %-20s against %-16s%s%n", c.property(),
            c.adversary() == org.sego.api.hv.Claim.Adversary.GUEST_OS ? "the guest OS" : "physical access",
            c.assumptions().isEmpty() ? "" : "  assuming " + String.join("; ", c.assumptions()));
      }
      out.println(facts.checks().isEmpty() ? "checks: none" : "checks (each switched off by its parameter):");
      for (var c : facts.checks()) {
        out.printf(Locale.ROOT, "  %-20s off with %-28s %s%n", c.name(), c.parameter() + " = false", c.description());
      }
    }
    if (p instanceof CostProfileProvider) {
      out.println("figures:");
      for (CostFigure f : ((CostProfileProvider) p).profile().figures().values()) {
        out.printf(Locale.ROOT, "  %-26s %-10s %s%n", f.key(), f.value(), f.source());
      }
    }
    out.flush();
    return 0;
  }

  /** A cost-profile file: its figures, or every problem it has. */
  private Integer describeProfileFile(PluginRegistry registry) {
    java.nio.file.Path file = java.nio.file.Path.of(name).toAbsolutePath();
    List<org.sego.core.compose.SpecProblem> problems = new java.util.ArrayList<>();
    var p = org.sego.core.compose.CostProfileFile.load(file, "cost-profile", registry, problems);
    if (p == null) {
      throw new org.sego.core.compose.SpecException(name, problems);
    }
    var out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "cost-profile %s (file %s)%nfigures:%n", p.name(), file);
    for (CostFigure f : ((CostProfileProvider) p).profile().figures().values()) {
      out.printf(Locale.ROOT, "  %-26s %-10s %s%n", f.key(), f.value(), f.source());
    }
    out.flush();
    return 0;
  }

  static final class KindConverter implements CommandLine.ITypeConverter<PluginKind> {
    @Override
    public PluginKind convert(String value) {
      try {
        return PluginKind.fromId(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class KindNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(PluginKind.values()).map(PluginKind::id).iterator();
    }
  }
}
