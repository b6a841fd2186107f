package it.clean;

import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

/** Exits at once: it touches no memory, so it runs on any kernel. */
public final class IdleWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "it-idle";
  }

  @Override
  public String description() {
    return "exits 0 at once";
  }

  @Override
  public Program program(Parameters parameters, long seed) {
    return u -> u.syscalls().exit(0);
  }
}
