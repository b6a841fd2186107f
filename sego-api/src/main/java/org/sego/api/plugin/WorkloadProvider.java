package org.sego.api.plugin;

import java.util.Map;
import org.sego.api.Experimental;
import org.sego.api.sim.Program;

/**
 * Base for a workload plug-in: a program the orchestrator starts as the first process. It checks
 * its own results against a reference computed outside the simulation and exits non-zero when
 * data came back wrong.
 *
 * <p>For experiments ({@code sego compare}) a workload also says how much work a run does (for
 * throughput), which parameters make its {@code quick} size, and whether a finished run was in the
 * regime it models (a toy size must not pass for a result).
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

  /** Parameter values of the {@code quick} size (CI, {@code sego compare --quick}); the rest keep their defaults. */
  public Map<String, Object> quickParameters() {
    return Map.of();
  }

  /** The work a run with {@code parameters} does: throughput is this amount per simulated second. */
  public Work work(Parameters parameters) {
    return new Work("runs", 1);
  }

  /**
   * Whether a finished run was in the regime this workload models (a swap-bound workload swapped,
   * a device-bound one outgrew the page cache), said in one sentence with the figures it rests on.
   */
  public Regime regime(Parameters parameters, RunFacts facts) {
    return new Regime(true, "no regime stated");
  }

  /** An amount of work in a unit ({@code "bytes"}, {@code "edges"}, {@code "transactions"}). */
  public record Work(String unit, long amount) {
    public Work {
      if (unit == null || unit.isEmpty() || amount < 0) {
        throw new IllegalArgumentException("a work unit and a non-negative amount");
      }
    }
  }

  /** Whether a run was in its regime, and the sentence that says so (or why not). */
  public record Regime(boolean held, String statement) {}

  /** What a finished run's regime check may read: the guest's memory limit and the run's stats. */
  public interface RunFacts {
    /** Bytes the guest kernel may use for user pages and the page cache. */
    long memoryLimitBytes();

    /** A stat of the run by its path ({@code system.guest.swap.ins}), 0 when the run has none. */
    long stat(String path);
  }
}
