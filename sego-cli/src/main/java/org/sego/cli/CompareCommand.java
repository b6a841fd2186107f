package org.sego.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.experiment.CellResult;
import org.sego.core.experiment.Experiment;
import org.sego.core.experiment.ExperimentRunner;
import org.sego.core.experiment.Results;
import org.sego.core.output.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sego compare}: the paper reproduction matrix; a table, results.json/csv, charts and report.md. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class,
    description = "Run every installed strategy on the paper-like workloads (as HAPs) on hdd, sata-ssd and nvme under "
        + "the paper-2015 and modern cost profiles, each cell its own deterministic simulation, in parallel; print "
        + "a table normalised to `none` and write results.json, results.csv, PNG and SVG charts and report.md. "
        + "Exits 1 if a cell failed.")
final class CompareCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "the workloads' quick sizes (CI)")
  boolean quick;

  @Option(names = "--workloads", split = ",", description = "workloads (default: " + "graph,file-io,postmark,wiki,ldap,sharing,compaction)")
  List<String> workloads;

  @Option(names = "--strategies", split = ",", description = "strategies (default: every installed one; none is always added: runs are normalised to it)")
  List<String> strategies;

  @Option(names = "--devices", split = ",", description = "device models for swap, file system and hypervisor store (default: hdd,sata-ssd,nvme)")
  List<String> devices;

  @Option(names = "--cost-profiles", split = ",", description = "cost profiles (default: paper-2015,modern)")
  List<String> profiles;

  @Option(names = "--seed", defaultValue = "1", description = "seed of every cell (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", description = "cells run at once (default: the host's cores)")
  Integer threads;

  @Option(names = "--sweep", description = "KEY=V1,V2,...: also sweep a key of the spec tree (devices.disk.bandwidth, "
      + "costs.hv.hypercall, strategy.<parameter>, guest.<parameter>, workload.<parameter>); repeatable")
  List<String> sweeps;

  @Option(names = "--no-break-even", description = "skip the break-even sweep of file-io over device bandwidth and the "
      + "S-file setting cells (file-io on hdd and sata-ssd with sfile-sync write and fsync)")
  boolean noBreakEven;

  @Option(names = "--out", defaultValue = "runs/compare", description = "folder for the results (default: ${DEFAULT-VALUE})")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PluginRegistry registry = SegoCommand.registry();
    List<String> w = check(registry, PluginKind.WORKLOAD, "--workloads", workloads, ComparePlan.WORKLOADS);
    ExperimentRunner runner = new ExperimentRunner(registry);
    List<String> s = check(registry, PluginKind.STRATEGY, "--strategies", strategies, runner.installedStrategies());
    if (!s.contains("none")) {
      s = new ArrayList<>(s);
      s.add(0, "none");
    }
    List<String> d = check(registry, PluginKind.DEVICE, "--devices", devices, ComparePlan.DEVICES);
    List<String> c = check(registry, PluginKind.COST_PROFILE, "--cost-profiles", profiles, ComparePlan.PROFILES);
    List<Experiment.Sweep> sw = new ArrayList<>();
    for (String spec : sweeps == null ? List.<String>of() : sweeps) {
      sw.add(sweep(spec));
    }
    Experiment main = ComparePlan.experiment(registry, w, s, d, c, sw, seed, quick);
    Experiment breakEven = noBreakEven || !w.contains("file-io") ? null : BreakEven.experiment(registry, s, seed, quick);
    boolean paper = !noBreakEven && w.contains("file-io") && s.contains("sego");
    Experiment paperSetting = paper ? BreakEven.paperSetting(registry, List.of("none", "sego"), seed, quick) : null;
    int n = main.cells().size() + (breakEven == null ? 0 : breakEven.cells().size())
        + (paperSetting == null ? 0 : paperSetting.cells().size());
    int t = threads != null ? Math.max(1, threads) : Runtime.getRuntime().availableProcessors();
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "compare: %d workload(s) x %d strategies x %d device(s) x %d cost profile(s)%s = %d cells%s, %d thread(s)%n",
        w.size(), s.size(), d.size(), c.size(), sw.isEmpty() ? "" : " x sweeps", main.cells().size(),
        (breakEven == null ? "" : " + " + breakEven.cells().size() + " break-even cells")
            + (paperSetting == null ? "" : " + " + paperSetting.cells().size() + " S-file setting cells"), t);
    o.flush();
    Progress progress = new Progress(o, n, System.console() != null);
    Results results = runner.run(main, t, progress::done);
    Results be = breakEven == null ? null : runner.run(breakEven, t, progress::done);
    Results ps = paperSetting == null ? null : runner.run(paperSetting, t, progress::done);
    progress.finish();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
    Map<String, Object> tree = results.tree(describe(main, quick));
    if (be != null) {
      tree.put("breakEven", be.tree(describe(breakEven, quick)));
    }
    if (ps != null) {
      tree.put("sfileSetting", ps.tree(describe(paperSetting, quick)));
    }
    Json.write(out.resolve("results.json"), tree);
    CompareTable.csv(out.resolve("results.csv"), results.runs());
    String table = CompareTable.text(results.runs(), s);
    o.print(table);
    List<String> charts = new ArrayList<>();
    try {
      charts.addAll(CompareCharts.write(out, results.runs(), be == null ? List.of() : be.runs(), s));
    } catch (RuntimeException | LinkageError e) {
      spec.commandLine().getErr().println("sego: charts not written: " + e);
    }
    CompareReport.write(out.resolve("report.md"), registry, results.runs(), be == null ? List.of() : be.runs(),
        ps == null ? List.of() : ps.runs(), s, table, charts, quick);
    o.println();
    o.println(CompareTable.LEGEND);
    o.println("results: " + out + " (results.json, results.csv, report.md" + (charts.isEmpty() ? "" : ", " + String.join(", ", charts)) + ")");
    o.flush();
    List<CellResult> failed = new ArrayList<>(results.failures());
    if (be != null) {
      failed.addAll(be.failures());
    }
    if (ps != null) {
      failed.addAll(ps.failures());
    }
    for (CellResult f : failed) {
      spec.commandLine().getErr().println("sego: cell " + f.cell().id() + " failed (" + f.cell().workload().parameters() + "): " + f.error());
    }
    return failed.isEmpty() ? 0 : 1;
  }

  static Map<String, Object> describe(Experiment e, boolean quick) {
    Map<String, Object> m = new TreeMap<>();
    m.put("size", quick ? "quick" : "default");
    m.put("strategies", e.strategies());
    m.put("devices", e.devices());
    m.put("costProfiles", e.costProfiles());
    m.put("seed", e.seed());
    m.put("base", e.base());
    List<Object> ws = new ArrayList<>();
    for (Experiment.WorkloadEntry w : e.workloads()) {
      ws.add(Map.of("name", w.name(), "parameters", new TreeMap<>(w.parameters()), "asHap", w.asHap(), "guest", new TreeMap<>(w.guest())));
    }
    m.put("workloads", ws);
    List<Object> sw = new ArrayList<>();
    for (Experiment.Sweep s : e.sweeps()) {
      sw.add(Map.of("key", s.key(), "values", s.values().stream().map(String::valueOf).toList(), "workloads", s.workloads()));
    }
    m.put("sweeps", sw);
    return m;
  }

  static Experiment.Sweep sweep(String spec) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new SegoCommand.UserError("--sweep " + spec + ": expected KEY=V1,V2,... (for example devices.disk.bandwidth=500MB/s,2GB/s)");
    }
    List<Object> values = new ArrayList<>();
    for (String v : spec.substring(eq + 1).split(",")) {
      String x = v.trim();
      values.add(x.matches("-?\\d+") ? (Object) Long.parseLong(x) : x.equals("true") || x.equals("false") ? (Object) Boolean.parseBoolean(x) : x);
    }
    return new Experiment.Sweep(spec.substring(0, eq).trim(), values, List.of());
  }

  private static List<String> check(PluginRegistry registry, PluginKind kind, String option, List<String> given, List<String> dflt) {
    List<String> names = given != null ? given : dflt;
    for (String name : names) {
      if (registry.find(kind, name).isEmpty()) {
        throw new SegoCommand.UserError(option + " " + name + ": no such " + kind.id() + "; accepted: "
            + SegoCommand.join(registry.names(kind)) + SegoCommand.PLUGIN_PATH_HINT);
      }
    }
    return names;
  }

  /** A progress bar on a terminal, a line per finished cell otherwise. */
  static final class Progress {
    private final PrintWriter o;
    private final int total;
    private final boolean terminal;
    private final AtomicInteger done = new AtomicInteger();

    Progress(PrintWriter o, int total, boolean terminal) {
      this.o = o;
      this.total = total;
      this.terminal = terminal;
    }

    synchronized void done(CellResult r) {
      int k = done.incrementAndGet();
      if (terminal) {
        int width = 40;
        int filled = total == 0 ? width : k * width / total;
        o.printf(Locale.ROOT, "\r  [%s%s] %d/%d %-50.50s", "#".repeat(filled), " ".repeat(width - filled), k, total, r.cell().id());
      } else {
        o.printf(Locale.ROOT, "  %d/%d %s%s%n", k, total, r.cell().id(), r.ok() ? "" : "  FAILED");
      }
      o.flush();
    }

    void finish() {
      if (terminal) {
        o.println();
      }
      o.flush();
    }
  }
}
