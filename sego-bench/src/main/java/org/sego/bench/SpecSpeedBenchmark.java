package org.sego.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * A whole run of a shipped spec, composing and booting included (what {@code ./sego run} does after
 * the JVM has started, without writing the run folder): the wall time of one run. {@link
 * #runOnce} gives the simulated time it covers, so the report gives simulated seconds per
 * wall second. The specs are looked up under {@code examples/specs} of the folder named by the
 * system property {@code sego.root}, or of the working folder or one above it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpecSpeedBenchmark {
  /** The runnable specs that need no plug-in beyond the built-in ones. */
  @Param({"linuxlike", "files", "sharing-as-hap", "files-as-hap"})
  public String spec;

  static Path specFile(String name) {
    String root = System.getProperty("sego.root");
    Path[] candidates = root != null ? new Path[] {Path.of(root)} : new Path[] {Path.of(""), Path.of("..")};
    for (Path c : candidates) {
      Path f = c.resolve("examples/specs").resolve(name + ".toml");
      if (Files.isRegularFile(f)) {
        return f;
      }
    }
    throw new IllegalStateException("examples/specs/" + name + ".toml not found under "
        + (root != null ? root : "the working folder or its parent") + "; run from the repository or set -Dsego.root");
  }

  /** One whole run: its simulated completion time (ns; the same for every run of a spec). */
  static long runOnce(String name) {
    try (SystemRun run = SegoSystem.fromToml(specFile(name)).start()) {
      run.bootGuest();
      int pid = run.startWorkload();
      run.run();
      if (run.exitStatuses().get(pid) != 0) {
        throw new IllegalStateException(name + ": the workload exited with status " + run.exitStatuses().get(pid));
      }
      return run.stats().value("system.time.completion");
    }
  }

  @Benchmark
  public long wholeRun() {
    return runOnce(spec);
  }
}
