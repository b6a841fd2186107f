package org.sego.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sego.api.guest.KernelPorts;
import org.sego.api.sim.Registers;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.sim.Simulation;
import org.sego.core.sim.StatsRegistry;

/** What a guest kernel is handed: adapters a cast unlocks nothing from, and copies of registers. */
class GuestPortsTest {
  @Test
  void noPortIsAHostObject() {
    try (SystemRun run = HypervisorShellTest.system("none", new GuardStrategy(), false).start()) {
      KernelPorts p = run.ports();
      List<Object> ports = List.of(p.memory(), p.hypercalls(), p.blocks(), p.clock(), p.cpu(), p.events(), p.stats(), p.hooks());
      for (Object o : ports) {
        for (Class<?> host : List.of(Simulation.class, StatsRegistry.class, HypervisorShell.class,
            org.sego.api.hw.PhysicalMemory.class, org.sego.api.hw.Mmu.class, org.sego.api.sim.CostMeter.class)) {
          assertFalse(host.isInstance(o), o.getClass() + " is a " + host.getSimpleName());
        }
      }
    }
  }

  @Test
  void aKernelCountsOnlyUnderItsOwnPathAndCannotSetAFigure() {
    try (SystemRun run = HypervisorShellTest.system("none", new GuardStrategy(), false).start()) {
      var stats = run.ports().stats();
      stats.counter("system.guest.mine", "events", "a kernel counter").add(3);
      assertEquals(3, run.stats().value("system.guest.mine"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> stats.counter("system.hv.violations", "events", "forged"));
      assertTrue(e.getMessage().contains("system.hv.violations") && e.getMessage().contains("system.guest."), e.getMessage());
      assertEquals(0, run.stats().value("system.hv.violations"));
    }
  }

  @Test
  void theRegisterFileAKernelGetsIsACopyAndAProtectedProcessIsNeitherReadNorWritten() {
    long[][] seen = new long[2][];
    long[] after = new long[Registers.COUNT];
    for (String strategy : List.of("none", "guard")) {
      try (SystemRun run = HypervisorShellTest.system(strategy, new GuardStrategy(), false).start()) {
        TestKernel k = (TestKernel) run.boot(TestKernel::new);
        var cpu = run.ports().cpu();
        k.start(u -> {
          u.registers()[Registers.RBX] = 0xC0FFEEL;
          u.syscalls().yield();
          System.arraycopy(u.registers(), 0, after, 0, Registers.COUNT);
        });
        long[] a = cpu.registers(1);
        assertNotSame(a, cpu.registers(1), "a fresh copy each time");
        a[Registers.RBX] = 0xBAD;
        assertEquals(0, cpu.registers(1)[Registers.RBX], "writing into the copy changes nothing");
        long[] set = new long[Registers.COUNT];
        set[Registers.RCX] = 0x77;
        cpu.setRegisters(1, set);
        seen[strategy.equals("none") ? 0 : 1] = cpu.registers(1);
        run.run();
        if (strategy.equals("guard")) {
          assertEquals(1, run.stats().value("system.hv.register-writes-refused"));
          assertEquals(0, after[Registers.RCX], "the kernel cannot set a protected process's registers");
        } else {
          assertEquals(0x77, after[Registers.RCX], "under none the kernel sets the registers it is asked to");
          assertEquals(0xC0FFEEL, after[Registers.RBX]);
        }
      }
    }
    assertEquals(0x77, seen[0][Registers.RCX]);
    assertEquals(0, seen[1][Registers.RCX]);
  }
}
