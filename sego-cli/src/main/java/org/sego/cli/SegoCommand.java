package org.sego.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.sego.core.compose.PluginDiscoveryException;
import org.sego.core.compose.PluginPath;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sego}: the root command. Errors print one clear message and exit non-zero. */
@Command(name = "sego", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class,
    description = "Build, run, attack and compare hypervisor-based protection against a hostile OS.",
    subcommands = {ListCommand.class, DescribeCommand.class, ValidateCommand.class, ProbeCommand.class, RunCommand.class, AttackCommand.class, MatrixCommand.class, CompareCommand.class, CalibrateCommand.class, CrashCommand.class, BenchCommand.class})
public final class SegoCommand implements Callable<Integer> {
  static final int USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return USAGE;
  }

  private static PluginRegistry registry;

  /**
   * Discovers plug-ins once per command; each refused plug-in module is reported on stderr with the
   * rules it broke, and the others load.
   */
  static synchronized PluginRegistry registry() {
    if (registry == null) {
      registry = PluginRegistry.discover();
      for (PluginPath.Refused r : registry.refused()) {
        System.err.println("sego: " + r);
      }
    }
    return registry;
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new SegoCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, line, parse) -> {
      if (ex instanceof PluginDiscoveryException || ex instanceof UserError || ex instanceof SpecException) {
        line.getErr().println("sego: " + ex.getMessage());
        return USAGE;
      }
      if (ex instanceof org.sego.core.judge.RunFailed) {
        line.getErr().println("sego: " + ex.getMessage());
        return 1;
      }
      line.getErr().println("sego: " + ex);
      return 1;
    });
    return cl.execute(args);
  }

  /** A mistake of the user's, reported as one message without a stack trace. */
  static final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
      super(message);
    }
  }

  /** The version line of every command: this build's version, from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = null;
      try (java.io.InputStream in = SegoCommand.class.getModule().getResourceAsStream("META-INF/MANIFEST.MF")) {
        if (in != null) {
          v = new java.util.jar.Manifest(in).getMainAttributes().getValue("Implementation-Version");
        }
      } catch (java.io.IOException e) {
        v = null;
      }
      return new String[] {"sego " + (v == null ? "(unpackaged build)" : v)};
    }
  }

  /** Prints each note (a dropped parameter table, say) on stderr. */
  static void notes(CommandLine.Model.CommandSpec spec, List<String> notes) {
    for (String n : notes) {
      spec.commandLine().getErr().println("sego: note: " + n);
    }
    spec.commandLine().getErr().flush();
  }

  /** Said after the accepted names of a plug-in kind: where plug-ins built outside this tree go. */
  static final String PLUGIN_PATH_HINT = "; a plug-in built outside this tree (such as examples/isolate-strategy) goes on "
      + "SEGO_PLUGIN_PATH (README, \"Adding a plug-in\")";

  static String join(List<String> names) {
    return String.join(", ", names);
  }
}
