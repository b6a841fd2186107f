package org.sego.core.experiment;

import java.util.Map;
import java.util.TreeMap;
import org.sego.api.Experimental;

/** A cell's outcome: its results row, or the error that stopped it (with the row where the run finished). */
@Experimental("experiments")
public record CellResult(Experiment.Cell cell, Map<String, Object> row, String error) {
  static CellResult failed(Experiment.Cell cell, String error) {
    Map<String, Object> r = new TreeMap<>();
    r.put("cell", cell.id());
    r.put("index", cell.index());
    r.put("workload", cell.workload().name());
    r.put("strategy", cell.strategy());
    r.put("device", cell.device());
    r.put("costProfile", cell.costProfile());
    r.put("seed", cell.seed());
    return failed(cell, error, r);
  }

  static CellResult failed(Experiment.Cell cell, String error, Map<String, Object> row) {
    Map<String, Object> r = new TreeMap<>(row);
    r.put("error", error);
    return new CellResult(cell, r, error);
  }

  public boolean ok() {
    return error == null;
  }
}
