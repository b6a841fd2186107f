package org.sego.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sego.api.storage.PowerFailure;
import org.sego.api.units.Duration;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;
import org.sego.core.sim.StatsRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sego crash SPEC.toml --at T}: run, crash at T (guest crash or power failure), reboot, run again. */
@Command(name = "crash", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "Run the workload, crash at a simulated time (a guest crash, or a power failure "
    + "with --power), reboot on the same volumes (journal replay and a check at mount), and run the workload again.")
final class CrashCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.toml")
  Path file;

  @Option(names = "--workload", description = "workload (replaces the spec's [workload] name; parameters as for `run`)")
  String workload;

  @Option(names = "--strategy", description = "protection strategy (replaces the spec's [strategy] name; parameters as for `run`)")
  String strategy;

  @Option(names = "--at", required = true, description = "simulated time of the crash, e.g. 20ms")
  String at;

  @Option(names = "--power", description = "a power failure (volumes lose unflushed writes) instead of a guest crash")
  boolean power;

  @Option(names = "--cost-profile", description = "cost profile: a profile plug-in's name (see `sego list`) or a TOML "
      + "profile file (README, \"Cost profiles\"); replaces the spec's system.cost-profile")
  String costProfile;

  @Option(names = "--out", description = "folder for the before/ and after/ run folders (default: runs/crash-<spec>)")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long atNanos;
    try {
      atNanos = Duration.parse(at.replaceAll("(\\d)([a-zµ])", "$1 $2")).nanos();
    } catch (IllegalArgumentException e) {
      throw new SegoCommand.UserError("--at " + at + ": " + e.getMessage());
    }
    java.util.List<String> notes = new java.util.ArrayList<>();
    SegoSystem system = SegoSystem.fromToml(file, SegoCommand.registry(), workload, strategy, costProfile, notes);
    SegoCommand.notes(spec, notes);
    if (system.spec().guest().isEmpty() || system.spec().workload().isEmpty()) {
      throw new SegoCommand.UserError(file + " needs a [guest] table and a workload (a [workload] table or --workload)");
    }
    Path dir = out != null ? out : Path.of("runs", "crash-" + file.getFileName().toString().replaceFirst("\\.toml$", ""));
    var o = spec.commandLine().getOut();
    SystemRun first = system.start(dir.resolve("before"));
    SystemRun second = null;
    try {
      first.bootGuest();
      int pid = first.startWorkload();
      boolean stopped = first.runUntil(atNanos);
      first.writeOutputs(dir.resolve("before"));
      if (!stopped) {
        o.printf(Locale.ROOT, "the workload finished (exit status %d) before %s: nothing to crash%n",
            first.exitStatuses().get(pid), at);
        o.flush();
        first.close();
        return 0;
      }
      first.crash(power, PowerFailure.loseAll());
      o.printf(Locale.ROOT, "%s at %,d ns: the kernel and its processes are gone%s%n", power ? "power failure" : "guest crash",
          atNanos, power ? ", and every write after the last flush is lost" : "; every acknowledged write stays");
      second = SystemRun.reboot(first);
      second.bootGuest();
      int pid2 = second.startWorkload();
      second.run();
      second.writeOutputs(dir.resolve("after"));
      StatsRegistry st = second.stats();
      o.printf(Locale.ROOT, "reboot: journal transactions replayed %d, problems found by the check at mount %d%n",
          value(st, "system.guest.fs.journal-replays"), value(st, "system.guest.fs.fsck-problems"));
      o.printf(Locale.ROOT, "workload after the reboot: exit status %d%n", second.exitStatuses().get(pid2));
      o.println("run folders: " + dir.resolve("before") + ", " + dir.resolve("after"));
      o.flush();
      return value(st, "system.guest.fs.fsck-problems") == 0 && second.exitStatuses().get(pid2) == 0 ? 0 : 1;
    } finally {
      if (second != null) {
        second.close();
      }
    }
  }

  private static long value(StatsRegistry st, String path) {
    return st.has(path) ? st.value(path) : 0;
  }
}
