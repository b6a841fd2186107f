package org.sego.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sego bench}: JMH benchmarks of host-side speed. JMH forks JVMs with a class path, so the
 * {@code ./sego} launcher starts it on the class path itself and passes the arguments to JMH; this
 * command only documents that, and answers when the CLI is started some other way.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class,
    description = "JMH benchmarks of host-side speed beside raw anchors (4 KiB copies; frame read, write and zero; "
        + "translation on a TLB hit and a miss; AES-GCM and SHA-256, JDK and Bouncy Castle; frame metadata; the page "
        + "round trip, per whole run and in steady state; whole runs of the shipped specs). "
        + "./sego bench --quick runs the suite briefly (a few minutes) and rewrites docs/performance.md and the "
        + "README's table; ./sego bench ARGS starts JMH with the arguments given, for example: ./sego bench -prof gc "
        + "SteadyRoundTrip; ./sego bench -h lists JMH's options.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "JMH-ARGS", description = "passed to JMH")
  List<String> args;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    throw new SegoCommand.UserError("the benchmarks run on the class path, which only the ./sego launcher sets up; run "
        + "./sego bench" + (args == null ? "" : " " + String.join(" ", args)));
  }
}
