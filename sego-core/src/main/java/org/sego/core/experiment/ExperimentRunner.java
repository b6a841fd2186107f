package org.sego.core.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.sego.api.Experimental;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import org.sego.core.run.SystemRun;

/**
 * Runs an {@link Experiment}'s cells, each an independent simulation built from its own spec tree,
 * on a pool of threads; the results come back in cell order whatever the thread count, so the same
 * experiment gives the same {@link Results} byte for byte. A failing cell (a bad spec, a workload
 * whose self-check failed, an exception) is reported with its parameters and the others go on.
 */
@Experimental("experiments")
public final class ExperimentRunner {
  /** The stats copied into each run's {@code counters}. */
  static final List<String> COUNTERS = List.of(
      "system.cpu.page-faults", "system.guest.swap.ins", "system.guest.swap.outs", "system.guest.sharing.merged",
      "system.guest.compaction.migrated", "system.guest.compaction.collapses", "system.guest.mm.cow-copies",
      "system.guest.fs.cache-hits", "system.guest.fs.cache-misses", "system.guest.fs.journal-commits",
      "system.hv.hypercalls", "system.hv.vm-exits", "system.hv.view-switches", "system.hv.ept-invalidations",
      "system.hv.violations", "system.mmu.tlb-misses", "system.strategy.swap-outs", "system.strategy.swap-ins",
      "system.strategy.shares", "system.strategy.moves", "system.strategy.file-write-backs", "system.strategy.file-read-ins",
      "system.strategy.tag-cache-misses");

  private final PluginRegistry registry;

  public ExperimentRunner(PluginRegistry registry) {
    this.registry = registry;
  }

  /** Runs every cell on {@code threads} threads; {@code progress} hears each finished cell (from any thread). */
  public Results run(Experiment experiment, int threads, Consumer<CellResult> progress) {
    List<Experiment.Cell> cells = experiment.cells();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "sego-cell");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<CellResult>> futures = new ArrayList<>();
      for (Experiment.Cell c : cells) {
        futures.add(pool.submit(() -> {
          CellResult r = runCell(experiment, c);
          progress.accept(r);
          return r;
        }));
      }
      List<CellResult> out = new ArrayList<>();
      for (Future<CellResult> f : futures) {
        try {
          out.add(f.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a cell's runner failed: " + e.getCause(), e.getCause());
        }
      }
      return new Results(out);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The spec tree of {@code cell} as it runs: the base with the cell's seed, cost profile, device
   * model, strategy, guest and workload, and its swept keys. A swept {@code strategy.<parameter>} is
   * left out for a strategy that has no such parameter ({@code none} in a sweep of a {@code sego}
   * parameter: its cell is the baseline of that sweep point).
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> tree(Experiment e, Experiment.Cell cell) {
    Map<String, Object> t = deepCopy(e.base());
    table(t, "system").put("seed", cell.seed());
    table(t, "system").put("cost-profile", cell.costProfile());
    Map<String, Object> devices = table(t, "devices");
    for (String d : e.deviceTables()) {
      Map<String, Object> dev = table(devices, d);
      dev.put("model", cell.device());
    }
    table(t, "strategy").put("name", cell.strategy());
    table(t, "guest").putAll(cell.workload().guest());
    Map<String, Object> w = table(t, "workload");
    w.clear();
    w.put("name", cell.workload().name());
    w.put("as-hap", cell.workload().asHap());
    w.putAll(cell.workload().parameters());
    cell.swept().forEach((k, v) -> put(t, k, v));
    var provider = registry.find(PluginKind.STRATEGY, cell.strategy());
    Map<String, Object> s = (Map<String, Object>) t.get("strategy");
    if (provider.isPresent()) {
      s.keySet().removeIf(k -> !k.equals("name") && cell.swept().containsKey("strategy." + k)
          && provider.get().parameters().find(k).isEmpty());
    }
    return t;
  }

  /** Sets a dotted key: {@code devices.<name>.<key>}, {@code costs.<figure>}, or {@code <table>.<key>}. */
  static void put(Map<String, Object> tree, String key, Object value) {
    String[] p = key.split("\\.", 3);
    if (p.length < 2) {
      throw new IllegalArgumentException("sweep key '" + key + "': expected <table>.<key> (system.memory, "
          + "devices.disk.bandwidth, costs.hv.hypercall, strategy.<parameter>, guest.<parameter>, workload.<parameter>)");
    }
    if (p[0].equals("devices")) {
      if (p.length < 3) {
        throw new IllegalArgumentException("sweep key '" + key + "': expected devices.<device>.<parameter>");
      }
      table(table(tree, "devices"), p[1]).put(p[2], value);
    } else {
      table(tree, p[0]).put(key.substring(p[0].length() + 1), value);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> table(Map<String, Object> parent, String key) {
    return (Map<String, Object>) parent.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v instanceof Map ? deepCopy((Map<String, Object>) v) : v));
    return out;
  }

  CellResult runCell(Experiment e, Experiment.Cell cell) {
    Map<String, Object> tree;
    SegoSystem system;
    try {
      tree = tree(e, cell);
      system = SegoSystem.fromTree(cell.id(), tree, registry);
    } catch (SpecException | IllegalArgumentException ex) {
      return CellResult.failed(cell, ex.getMessage());
    }
    try (SystemRun run = system.start()) {
      run.bootGuest();
      int pid = run.startWorkload();
      run.run();
      Integer status = run.exitStatuses().get(pid);
      Map<String, Long> stats = run.stats().values();
      var w = system.spec().workload().orElseThrow();
      WorkloadProvider provider = (WorkloadProvider) w.provider();
      long limit = memoryLimit(system);
      WorkloadProvider.RunFacts facts = new WorkloadProvider.RunFacts() {
        @Override
        public long memoryLimitBytes() {
          return limit;
        }

        @Override
        public long stat(String path) {
          return stats.getOrDefault(path, 0L);
        }
      };
      Map<String, Object> row = row(cell, w.parameters(), provider, stats, facts);
      if (status == null || status != 0) {
        return CellResult.failed(cell, "the workload's self-check failed: exit status " + status
            + " (it exits non-zero when data came back wrong)", row);
      }
      return new CellResult(cell, row, null);
    } catch (RuntimeException ex) {
      return CellResult.failed(cell, ex.getClass().getSimpleName() + ": " + ex.getMessage());
    }
  }

  private static long memoryLimit(SegoSystem system) {
    long all = system.spec().system().dataSize("memory").bytes();
    return system.spec().guest().map(g -> {
      Object v = g.parameters().asMap().get("memory-limit");
      long l = v instanceof org.sego.api.units.DataSize ? ((org.sego.api.units.DataSize) v).bytes() : 0;
      return l == 0 ? all : l;
    }).orElse(all);
  }

  private static Map<String, Object> row(Experiment.Cell cell, Parameters params, WorkloadProvider provider,
      Map<String, Long> stats, WorkloadProvider.RunFacts facts) {
    long nanos = stats.getOrDefault("system.time.completion", 0L);
    Map<String, Object> r = new TreeMap<>();
    r.put("cell", cell.id());
    r.put("index", cell.index());
    Map<String, Object> p = new TreeMap<>();
    params.asMap().forEach((k, v) -> p.put(k, String.valueOf(v)));
    r.put("params", p);
    Map<String, Object> swept = new TreeMap<>();
    cell.swept().forEach((k, v) -> swept.put(k, String.valueOf(v)));
    r.put("swept", swept);
    r.put("workload", cell.workload().name());
    r.put("asHap", cell.workload().asHap());
    r.put("strategy", cell.strategy());
    r.put("device", cell.device());
    r.put("costProfile", cell.costProfile());
    r.put("seed", cell.seed());
    r.put("simulatedNanos", nanos);
    WorkloadProvider.Work work = provider.work(params);
    Map<String, Object> tp = new TreeMap<>();
    tp.put("unit", work.unit() + "/s");
    tp.put("work", work.amount());
    tp.put("perSecond", nanos == 0 ? 0.0 : round(work.amount() * 1e9 / nanos));
    r.put("throughput", tp);
    Map<String, Long> breakdown = new TreeMap<>();
    stats.forEach((k, v) -> {
      // system.cpu<N>.time.<category>.<principal>
      if (k.startsWith("system.cpu") && k.contains(".time.")) {
        String rest = k.substring(k.indexOf(".time.") + 6);
        int dot = rest.lastIndexOf('.');
        breakdown.merge(dot < 0 ? rest : rest.substring(0, dot), v, Long::sum);
      }
    });
    r.put("breakdownNanos", breakdown);
    Map<String, Object> busy = new TreeMap<>();
    stats.forEach((k, v) -> {
      if (k.startsWith("system.devices.") && k.endsWith(".busy")) {
        String dev = k.substring("system.devices.".length(), k.length() - ".busy".length());
        busy.put(dev, nanos == 0 ? 0.0 : round((double) v / nanos));
      }
    });
    r.put("busy", busy);
    Map<String, Long> counters = new TreeMap<>();
    for (String c : COUNTERS) {
      if (stats.containsKey(c)) {
        counters.put(c.substring("system.".length()), stats.get(c));
      }
    }
    stats.forEach((k, v) -> {
      if (k.startsWith("system.devices.") && (k.endsWith(".reads") || k.endsWith(".writes") || k.endsWith(".bytes-read")
          || k.endsWith(".bytes-written") || k.endsWith(".flushes"))) {
        counters.put(k.substring("system.".length()), v);
      }
    });
    r.put("counters", counters);
    if (stats.containsKey("system.strategy.trusted-ram-bytes-per-protected-gib")) {
      Map<String, Object> ts = new TreeMap<>();
      ts.put("ram", stats.get("system.strategy.trusted-ram-bytes-per-protected-gib"));
      ts.put("durable", stats.getOrDefault("system.strategy.trusted-durable-bytes-per-protected-gib", 0L));
      r.put("trustedStateBytesPerGiB", ts);
    } else {
      r.put("trustedStateBytesPerGiB", null);
    }
    WorkloadProvider.Regime regime = provider.regime(params, facts);
    r.put("regime", Map.of("held", regime.held(), "statement", regime.statement()));
    r.put("vcpus", stats.keySet().stream().filter(k -> k.matches("system\\.cpu\\d+\\.time")).count());
    return r;
  }

  /** Six significant digits: the JSON does not depend on the last bits of a division. */
  static double round(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
  }

  /** The installed strategies, in the registry's order, {@code none} first. */
  public List<String> installedStrategies() {
    List<String> all = new ArrayList<>(registry.names(PluginKind.STRATEGY));
    if (all.remove("none")) {
      all.add(0, "none");
    }
    return all;
  }
}
