package org.sego.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sego.core.SegoSystem;
import org.sego.core.compose.DeviceSpec;
import org.sego.core.run.DiskProbe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sego probe SPEC.toml}: a device's throughput and latency at each queue depth. */
@Command(name = "probe", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "Drive one device of a system through the block queue at each queue depth; "
    + "print throughput, IOPS and mean latency (simulated); with --out, write a run folder per depth.")
final class ProbeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.toml")
  Path file;

  @Option(names = "--device", description = "device name from the spec (default: the first guest device)")
  String device;

  @Option(names = "--depth", split = ",", defaultValue = "1,32", description = "queue depths (default: ${DEFAULT-VALUE})")
  List<Integer> depths;

  @Option(names = "--requests", defaultValue = "4096", description = "requests per depth (default: ${DEFAULT-VALUE})")
  int requests;

  @Option(names = "--blocks", defaultValue = "1", description = "blocks per request (default: ${DEFAULT-VALUE})")
  int blocks;

  @Option(names = "--write", description = "write instead of read")
  boolean write;

  @Option(names = "--random", description = "seeded random block addresses instead of sequential ones")
  boolean random;

  @Option(names = "--cost-profile", description = "cost profile: a profile plug-in's name (see `sego list`) or a TOML "
      + "profile file (README, \"Cost profiles\"); replaces the spec's system.cost-profile")
  String costProfile;

  @Option(names = "--out", description = "folder for the run folders (qd1/, qd32/ ... with config.json, stats.json)")
  Path out;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    SegoSystem system = SegoSystem.fromToml(file, SegoCommand.registry(), null, null, costProfile, new java.util.ArrayList<>());
    List<String> guestDevices = system.spec().devices().stream()
        .filter(d -> d.volume().string("access").equals("guest")).map(DeviceSpec::name).toList();
    String dev = device != null ? device : guestDevices.stream().findFirst()
        .orElseThrow(() -> new SegoCommand.UserError(file + " has no guest device to probe; add a [devices.NAME] table"));
    if (!guestDevices.contains(dev)) {
      throw new SegoCommand.UserError("--device " + dev + ": no such guest device in " + file + "; accepted: "
          + SegoCommand.join(guestDevices));
    }
    for (int d : depths) {
      if (d < 1) {
        throw new SegoCommand.UserError("--depth " + d + ": accepted: positive integers");
      }
    }
    var o = spec.commandLine().getOut();
    String model = system.spec().device(dev).orElseThrow().model().provider().name();
    o.printf(Locale.ROOT, "%s (%s), %d %s of %d block(s), %s%n", dev, model, requests, write ? "writes" : "reads", blocks,
        random ? "random" : "sequential");
    o.printf(Locale.ROOT, "%6s %12s %12s %14s %16s%n", "depth", "MB/s", "IOPS", "mean latency", "completion");
    for (int d : depths) {
      DiskProbe.Result r = DiskProbe.run(system, dev, d, requests, blocks, write, random,
          out == null ? null : out.resolve("qd" + d));
      o.printf(Locale.ROOT, "%6d %12.1f %12.0f %11.1f us %13d ns%n", d, r.megabytesPerSecond(), r.iops(),
          r.meanLatencyMicros(), r.completionNanos());
    }
    if (out != null) {
      o.println("run folders written under " + out);
    }
    o.flush();
    return 0;
  }
}
