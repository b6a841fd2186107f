package org.sego.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sego.core.SegoSystem;
import org.sego.core.output.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sego validate SPEC.toml}: every problem at once, or the fully resolved configuration. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "Validate a system spec; print the fully resolved configuration as JSON, or every problem.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.toml")
  Path file;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    SegoSystem system = SegoSystem.fromToml(file, SegoCommand.registry());
    spec.commandLine().getOut().print(Json.write(system.spec().tree()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
