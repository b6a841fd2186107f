package org.sego.core.experiment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.Experimental;

/**
 * An experiment's results in cell order, each run normalised to the same cell under {@code none};
 * {@link #tree} is {@code results.json}: deterministic, no wall-clock time, no host.
 */
@Experimental("experiments")
public final class Results {
  public static final int SCHEMA_VERSION = 1;
  private final List<CellResult> cells;
  private final List<Map<String, Object>> runs = new ArrayList<>();

  Results(List<CellResult> cells) {
    this.cells = List.copyOf(cells);
    Map<String, Long> none = new HashMap<>();
    for (CellResult c : cells) {
      if (c.ok() && c.cell().strategy().equals("none")) {
        none.put(c.cell().id(), (Long) c.row().get("simulatedNanos"));
      }
    }
    for (CellResult c : cells) {
      Map<String, Object> r = new TreeMap<>(c.row());
      Long base = none.get(c.cell().idUnder("none"));
      Object nanos = r.get("simulatedNanos");
      r.put("normalizedToNone", base == null || base == 0 || !(nanos instanceof Long) ? null
          : ExperimentRunner.round((Long) nanos / (double) base));
      runs.add(r);
    }
  }

  public List<CellResult> cells() {
    return cells;
  }

  /** Every run's row, {@code normalizedToNone} included, in cell order. */
  public List<Map<String, Object>> runs() {
    return runs;
  }

  public List<CellResult> failures() {
    return cells.stream().filter(c -> !c.ok()).toList();
  }

  public Map<String, Object> tree(Map<String, Object> experiment) {
    Map<String, Object> t = new TreeMap<>();
    t.put("schemaVersion", SCHEMA_VERSION);
    t.put("experiment", experiment);
    t.put("runs", runs);
    t.put("failures", failures().size());
    return t;
  }
}
