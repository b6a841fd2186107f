package it.unsafe;

import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

public final class Provider extends WorkloadProvider {
  @Override
  public String name() {
    return "it-unsafe";
  }

  @Override
  public String description() {
    return "must never load";
  }

  @Override
  public Program program(Parameters parameters, long seed) {
    return u -> u.syscalls().exit(0);
  }
}
