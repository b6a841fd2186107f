package it.victim;

import org.sego.api.hap.HapProgram;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.VictimProvider;

/** A victim outside the trusted victim library: an attack beside it could share its state. */
public final class SmuggledVictim extends VictimProvider {
  public static org.sego.api.hap.TrustedRuntime runtime;

  @Override
  public String name() {
    return "it-smuggled";
  }

  @Override
  public String description() {
    return "Test: a victim that hands its runtime to a static field";
  }

  @Override
  public HapProgram program(Parameters parameters, long canarySeed) {
    return t -> {
      runtime = t;
      t.syscalls().exit(0);
    };
  }

  @Override
  public long secretPages(Parameters parameters) {
    return 1;
  }
}
