package org.sego.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;

/**
 * The time a vCPU waits is charged as what it waited for, also when an event does work on it
 * meanwhile: a process blocked on I/O whose completion event charges the hypervisor's work (a
 * swap-in's entry installed when the bytes arrive) waited for I/O up to that event, not idly.
 */
class IdleAccountingTest {
  @Test
  void theWaitBeforeACompletionThatChargesWorkIsIoWait() {
    Simulation sim = new Simulation(1, 1_000_000, 0, new StatsRegistry(), Trace.off());
    sim.spawn(1, 0, () -> {
      sim.schedule(sim.nowNanos() + 10_000, "system.devices.disk", now -> {
        sim.charge(CostCategory.HYPERCALL, Principal.HV, 300); // work done by the completion
        sim.wake(1);
      });
      sim.blockCurrent(CostCategory.IO_WAIT);
    }, status -> {});
    sim.run();
    Map<String, Long> time = sim.timeByCategory(0);
    assertEquals(10_000L, sum(time, "io.wait."), time.toString());
    assertEquals(0L, sum(time, "idle."), time.toString());
    assertEquals(300L, sum(time, "hv.hypercall."), time.toString());
  }

  private static long sum(Map<String, Long> time, String prefix) {
    return time.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum();
  }
}
