package org.sego.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.experiment.Experiment;
import org.sego.core.experiment.ExperimentRunner;
import org.sego.core.experiment.Results;
import org.sego.core.output.Json;

/** The experiment runner on small cells: determinism across thread counts, invariants of every row, failures reported. */
class CompareRunnerTest {
  static PluginRegistry registry;
  static Results two;
  static Experiment experiment;

  static Experiment small(List<Experiment.Sweep> sweeps) {
    List<Experiment.WorkloadEntry> w = List.of(
        new Experiment.WorkloadEntry("sharing", Map.of("processes", 2, "pages", 64, "wait", "2 ms"), true, Map.of()),
        new Experiment.WorkloadEntry("file-io", Map.of("size", "1 MiB", "request", "32 KiB"), true, Map.of()),
        new Experiment.WorkloadEntry("wiki", Map.of("pages", 20, "requests", 100), true, Map.of()));
    return new Experiment(ComparePlan.base(), w, List.of("none", "sego"), List.of("nvme"), ComparePlan.DEVICE_TABLES,
        List.of("modern"), sweeps, 5);
  }

  @BeforeAll
  static void run() {
    registry = PluginRegistry.discover();
    experiment = small(List.of());
    two = new ExperimentRunner(registry).run(experiment, 2, r -> { });
  }

  @Test
  void sameExperimentGivesTheSameBytesWithOneAndTwoThreads() {
    Results one = new ExperimentRunner(registry).run(experiment, 1, r -> { });
    assertEquals(Json.write(one.tree(Map.of())), Json.write(two.tree(Map.of())));
    assertTrue(two.failures().isEmpty(), () -> two.failures().toString());
  }

  @Test
  @SuppressWarnings("unchecked")
  void categoriesSumToSimulatedTimeOnOneVcpu() {
    for (Map<String, Object> r : two.runs()) {
      assertEquals(1L, r.get("vcpus"));
      long sum = 0;
      for (Object v : ((Map<String, Object>) r.get("breakdownNanos")).values()) {
        sum += ((Number) v).longValue();
      }
      assertEquals((Long) r.get("simulatedNanos"), sum, (String) r.get("cell"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void segoIsNeverChargedCrypto() {
    int sego = 0;
    for (Map<String, Object> r : two.runs()) {
      if (r.get("strategy").equals("sego")) {
        sego++;
        for (String k : ((Map<String, Object>) r.get("breakdownNanos")).keySet()) {
          assertFalse(k.startsWith("crypto."), r.get("cell") + " charged " + k);
        }
      }
    }
    assertEquals(3, sego);
  }

  @Test
  @SuppressWarnings("unchecked")
  void rowsCarryTheSchemaAndNormaliseToNone() {
    for (Map<String, Object> r : two.runs()) {
      for (String k : List.of("cell", "params", "workload", "strategy", "device", "costProfile", "seed", "simulatedNanos",
          "normalizedToNone", "throughput", "breakdownNanos", "busy", "counters", "trustedStateBytesPerGiB", "regime")) {
        assertTrue(r.containsKey(k), r.get("cell") + " lacks " + k);
      }
      if (r.get("strategy").equals("none")) {
        assertEquals(1.0, ((Number) r.get("normalizedToNone")).doubleValue());
        assertNull(r.get("trustedStateBytesPerGiB"));
      } else {
        assertNotNull(r.get("trustedStateBytesPerGiB"), (String) r.get("cell"));
      }
      assertTrue(((Number) ((Map<String, Object>) r.get("throughput")).get("perSecond")).doubleValue() > 0);
    }
    assertEquals(1, two.tree(Map.of()).get("schemaVersion"));
  }

  @Test
  void aFailingCellIsReportedWithItsParametersAndTheOthersGoOn() {
    Experiment e = new Experiment(ComparePlan.base(),
        List.of(new Experiment.WorkloadEntry("sharing", Map.of("processes", 1, "pages", 16, "wait", "1 ms"), true, Map.of())),
        List.of("none"), List.of("nvme"), ComparePlan.DEVICE_TABLES, List.of("modern"),
        List.of(new Experiment.Sweep("workload.pages", List.<Object>of(16, -3), List.of())), 1);
    Results r = new ExperimentRunner(registry).run(e, 2, x -> { });
    assertEquals(2, r.cells().size());
    assertTrue(r.cells().get(0).ok());
    assertFalse(r.cells().get(1).ok());
    assertTrue(r.cells().get(1).error().contains("workload.pages"), r.cells().get(1).error());
  }

  /** At device queue depth 1 every request waits at least the device's latency: no run beats requestBytes / latency. */
  @Test
  @SuppressWarnings("unchecked")
  void atQueueDepthOneNoRunBeatsRequestSizeOverLatency() {
    long latency = 100_000;
    Experiment e = new Experiment(ComparePlan.base(),
        List.of(new Experiment.WorkloadEntry("file-io", Map.of("size", "2 MiB", "request", "64 KiB"), true, Map.of())),
        List.of("none", "sego"), List.of("nvme"), ComparePlan.DEVICE_TABLES, List.of("modern"),
        List.of(new Experiment.Sweep("devices.disk.queue-depth", List.<Object>of(1L), List.of()),
            new Experiment.Sweep("devices.disk.latency", List.<Object>of("100 us"), List.of())), 2);
    Results r = new ExperimentRunner(registry).run(e, 2, x -> { });
    assertTrue(r.failures().isEmpty(), () -> r.failures().toString());
    for (Map<String, Object> run : r.runs()) {
      Map<String, Object> c = (Map<String, Object>) run.get("counters");
      long requests = ((Number) c.get("devices.disk.reads")).longValue() + ((Number) c.get("devices.disk.writes")).longValue();
      long bytes = ((Number) c.get("devices.disk.bytes-read")).longValue() + ((Number) c.get("devices.disk.bytes-written")).longValue();
      long nanos = (Long) run.get("simulatedNanos");
      assertTrue(requests > 0, (String) run.get("cell"));
      assertTrue(requests * latency <= nanos, run.get("cell") + ": " + requests + " requests in " + nanos + " ns");
      double perSecond = bytes * 1e9 / nanos;
      assertTrue(perSecond <= (double) bytes / requests / (latency / 1e9), run.get("cell") + ": " + perSecond + " B/s");
    }
  }

  @Test
  void aSweptCostFigureReachesTheCell() {
    Experiment e = new Experiment(ComparePlan.base(),
        List.of(new Experiment.WorkloadEntry("sharing", Map.of("processes", 1, "pages", 32, "wait", "1 ms"), true, Map.of())),
        List.of("sego"), List.of("nvme"), ComparePlan.DEVICE_TABLES, List.of("modern"),
        List.of(new Experiment.Sweep("costs.hv.hypercall", List.<Object>of("100 ns", "10 us"), List.of())), 1);
    Results r = new ExperimentRunner(registry).run(e, 1, x -> { });
    long cheap = (Long) r.runs().get(0).get("simulatedNanos");
    long dear = (Long) r.runs().get(1).get("simulatedNanos");
    assertTrue(dear > cheap, cheap + " vs " + dear);
  }
}
