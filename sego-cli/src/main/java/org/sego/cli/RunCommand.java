package org.sego.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;
import org.sego.core.sim.StatsRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sego run SPEC.toml --workload NAME}: boots the guest, runs the workload, writes the run folder. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "Boot the spec's guest kernel, run a workload to completion, print its key stats "
    + "and write config.json and stats.json (and trace.jsonl when [system] trace = true).")
final class RunCommand implements Callable<Integer> {
  private static final List<String[]> SUMMARY = List.of(
      new String[] {"system.time.completion", "completion time"},
      new String[] {"system.cpu.page-faults", "page faults"},
      new String[] {"system.guest.mm.huge-faults", "2 MiB pages mapped at fault"},
      new String[] {"system.guest.mm.cow-copies", "copy-on-write copies"},
      new String[] {"system.guest.swap.outs", "pages swapped out"},
      new String[] {"system.guest.swap.ins", "pages swapped in"},
      new String[] {"system.guest.reclaim.kswapd-runs", "kswapd runs"},
      new String[] {"system.guest.sharing.merged", "pages merged by sharing"},
      new String[] {"system.guest.compaction.migrated", "pages migrated by compaction"},
      new String[] {"system.guest.compaction.collapses", "2 MiB pages built by compaction"},
      new String[] {"system.guest.fs.cache-hits", "page-cache hits"},
      new String[] {"system.guest.fs.cache-misses", "page-cache misses"},
      new String[] {"system.guest.fs.flusher-writebacks", "blocks written back by the flusher"},
      new String[] {"system.guest.fs.journal-commits", "journal commits"},
      new String[] {"system.guest.fs.journal-blocks", "blocks journaled"},
      new String[] {"system.mmu.tlb-hits", "TLB hits"},
      new String[] {"system.mmu.tlb-misses", "TLB misses"},
      new String[] {"system.hv.hypercalls", "hypercalls"});

  @Parameters(index = "0", paramLabel = "SPEC.toml")
  Path file;

  @Option(names = "--workload", description = "workload to run (replaces the spec's [workload] name; its parameters stay "
      + "when the name is the same, and are dropped, with a note, when it is not; see `sego list`)")
  String workload;

  @Option(names = "--strategy", description = "protection strategy (replaces the spec's [strategy] name, with the same rule "
      + "for its parameters)")
  String strategy;

  @Option(names = "--cost-profile", description = "cost profile: a profile plug-in's name (see `sego list`) or a TOML "
      + "profile file (README, \"Cost profiles\"); replaces the spec's system.cost-profile")
  String costProfile;

  @Option(names = "--out", description = "run folder (default: runs/<spec>-<workload>)")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<String> notes = new java.util.ArrayList<>();
    SegoSystem system = SegoSystem.fromToml(file, SegoCommand.registry(), workload, strategy, costProfile, notes);
    SegoCommand.notes(spec, notes);
    var registry = SegoCommand.registry();
    if (system.spec().guest().isEmpty()) {
      throw new SegoCommand.UserError(file + " has no [guest] table; add one with name = one of: "
          + SegoCommand.join(registry.names(org.sego.api.plugin.PluginKind.GUEST)));
    }
    if (system.spec().workload().isEmpty()) {
      throw new SegoCommand.UserError(file + " names no workload; pass --workload with one of: "
          + SegoCommand.join(registry.names(org.sego.api.plugin.PluginKind.WORKLOAD)));
    }
    String name = system.spec().workload().get().provider().name();
    String base = file.getFileName().toString().replaceFirst("\\.toml$", "");
    Path dir = out != null ? out : Path.of("runs", base + "-" + name);
    int status;
    StatsRegistry stats;
    try (SystemRun run = system.start(dir)) {
      run.bootGuest();
      int pid = run.startWorkload();
      run.run();
      run.writeOutputs(dir);
      status = run.exitStatuses().get(pid);
      stats = run.stats();
    }
    var o = spec.commandLine().getOut();
    boolean asHap = system.spec().workload().map(w -> w.asHap()).orElse(false);
    o.printf(Locale.ROOT, "workload %s%s under %s + %s: exit status %d%n", name, asHap ? " (as a HAP)" : "",
        system.spec().guest().get().provider().name(), system.spec().strategy().provider().name(), status);
    for (String[] s : SUMMARY) {
      if (stats.has(s[0])) {
        o.printf(Locale.ROOT, "  %-36s %,15d%s%n", s[1], stats.value(s[0]), s[0].endsWith("completion") ? " ns" : "");
      }
    }
    o.println("run folder: " + dir + " (config.json, stats.json)");
    o.flush();
    if (status != 0) {
      spec.commandLine().getErr().println("sego: the workload exited with status " + status
          + " (a workload exits non-zero when its data came back wrong)");
      return 1;
    }
    return 0;
  }
}
