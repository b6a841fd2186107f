package org.sego.api.plugin;

import org.sego.api.Experimental;
import org.sego.api.sim.Program;

/**
 * Base for a workload plug-in: a program the orchestrator starts as the first process. It checks
 * its own results and exits non-zero when data came back wrong.
 */
@Experimental("grows with the workloads")
public abstract class WorkloadProvider implements PluginProvider {
  protected WorkloadProvider() {}

  @Override
  public final PluginKind kind() {
    return PluginKind.WORKLOAD;
  }

  /** The program, from validated parameters and the run's seed. */
  public abstract Program program(Parameters parameters, long seed);
}
