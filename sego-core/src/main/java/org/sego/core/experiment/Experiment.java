package org.sego.core.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sego.api.Experimental;

/**
 * What a comparison runs: a base system (its spec tree without strategy and workload), the
 * workloads with their parameters (and any guest parameters they need), and the axes crossed with
 * them: strategies, device models (given to every device table named in {@code deviceTables}),
 * cost profiles, and sweeps of any key of the spec tree. {@link #cells} lists the matrix in a fixed
 * order, each cell with its own system.
 */
@Experimental("experiments")
public record Experiment(
    Map<String, Object> base,
    List<WorkloadEntry> workloads,
    List<String> strategies,
    List<String> devices,
    List<String> deviceTables,
    List<String> costProfiles,
    List<Sweep> sweeps,
    long seed) {

  public Experiment {
    base = Map.copyOf(base);
    workloads = List.copyOf(workloads);
    strategies = List.copyOf(strategies);
    devices = List.copyOf(devices);
    deviceTables = List.copyOf(deviceTables);
    costProfiles = List.copyOf(costProfiles);
    sweeps = List.copyOf(sweeps);
  }

  /** A workload of the matrix: its name, its parameters, whether it runs as a HAP, guest parameters it needs. */
  public record WorkloadEntry(String name, Map<String, Object> parameters, boolean asHap, Map<String, Object> guest) {
    public WorkloadEntry {
      parameters = Map.copyOf(parameters);
      guest = Map.copyOf(guest);
    }
  }

  /**
   * A swept key of the spec tree, dotted ({@code devices.disk.bandwidth}, {@code costs.hv.hypercall}:
   * the first part names the table, the second a sub-table where there is one, the rest the key),
   * with its values; applies to the workloads named in {@code workloads} (empty: every one).
   */
  public record Sweep(String key, List<Object> values, List<String> workloads) {
    public Sweep {
      values = List.copyOf(values);
      workloads = List.copyOf(workloads);
    }
  }

  /** One cell: its position, its coordinates and the values of the sweeps that apply to it. */
  public record Cell(int index, WorkloadEntry workload, String strategy, String device, String costProfile,
      Map<String, Object> swept, long seed) {
    /** {@code workload/strategy/device/profile[/key=value...]}. */
    public String id() {
      return idUnder(strategy);
    }

    /** The same cell under another strategy (its baseline under {@code none}). */
    public String idUnder(String otherStrategy) {
      StringBuilder b = new StringBuilder(workload.name() + "/" + otherStrategy + "/" + device + "/" + costProfile);
      swept.forEach((k, v) -> b.append('/').append(k).append('=').append(v));
      return b.toString();
    }
  }

  /** The cells in order: workload, then sweep values, then device, cost profile, strategy. */
  public List<Cell> cells() {
    List<Cell> out = new ArrayList<>();
    for (WorkloadEntry w : workloads) {
      List<Map<String, Object>> points = new ArrayList<>();
      points.add(new LinkedHashMap<>());
      for (Sweep s : sweeps) {
        if (!s.workloads().isEmpty() && !s.workloads().contains(w.name())) {
          continue;
        }
        List<Map<String, Object>> next = new ArrayList<>();
        for (Map<String, Object> p : points) {
          for (Object v : s.values()) {
            Map<String, Object> q = new LinkedHashMap<>(p);
            q.put(s.key(), v);
            next.add(q);
          }
        }
        points = next;
      }
      for (Map<String, Object> point : points) {
        for (String d : devices) {
          for (String c : costProfiles) {
            for (String s : strategies) {
              out.add(new Cell(out.size(), w, s, d, c, point, seed));
            }
          }
        }
      }
    }
    return out;
  }
}
