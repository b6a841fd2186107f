package org.sego.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;
import org.sego.api.sim.CostCategory;
import org.sego.api.storage.PowerFailure;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.hv.StrategyServices;

/** What a strategy gets from the hypervisor, and when the shell calls it. */
class HypervisorServicesTest {
  private static final long GVA = 0x40_0000L;

  @BeforeEach
  void clear() {
    ProbeStrategy.BUILT.clear();
  }

  static PluginRegistry registryWith(PluginProvider strategy) {
    List<PluginProvider> all = new ArrayList<>(PluginRegistry.discover().all());
    all.add(strategy);
    return new PluginRegistry(all);
  }

  private static SystemRun start() {
    return SegoSystem.builder(registryWith(ProbeStrategy.provider())).memory("32 MiB").strategy("probe")
        .device("disk", "ramdisk", Map.of("size", "4 MiB")).build().start();
  }

  private static ProbeStrategy probe() {
    return ProbeStrategy.BUILT.get(ProbeStrategy.BUILT.size() - 1);
  }

  /** The guest frame {@code pid}'s page at {@link #GVA} landed in (TestKernel hands frames out in order). */
  private static long frameOfFirstPage(SystemRun run, int pid) {
    return run.simulation().cr3(pid) / X86.PAGE_SIZE + 1; // the root, then the page (its tables after it)
  }

  @Test
  void noStrategyCallOnATlbHitOrAPermittedAccess() {
    try (SystemRun run = start()) {
      run.boot(TestKernel::new);
      int pid = run.start(u -> {
        for (int i = 0; i < 10_000; i++) {
          u.store64(GVA + (i % 4) * X86.PAGE_SIZE, i);
          u.load64(GVA + ((i + 1) % 4) * X86.PAGE_SIZE);
        }
      });
      run.run();
      String p = "protected? " + pid;
      assertEquals(List.of("start", "switch " + pid, p, p, p, p, "exited " + pid), probe().calls,
          "20,000 accesses and four page faults: the strategy heard of the switch, the four kernel entries and the exit");
      assertTrue(run.stats().value("system.mmu.tlb-hits") > 19_000);
    }
  }

  @Test
  void everyKernelEntryAndReturnOfAProcessInAViewOfItsOwnIsAChargedViewSwitch() {
    try (SystemRun run = start()) {
      var hv = probe().hv;
      var view = hv.views().create("own");
      for (long gfn = 0; gfn < hv.guestFrames(); gfn += 512) {
        view.mapLarge(gfn, gfn, X86.EPT_RWX);
      }
      probe().viewForAll = view.id();
      run.boot(TestKernel::new);
      run.start(u -> {
        for (int i = 0; i < 3; i++) {
          u.syscalls().getpid();
        }
      });
      run.run();
      long switchNanos = run.spec().costProfile().duration(org.sego.api.cost.CostProfile.HV_VIEW_SWITCH).nanos();
      // Into its view when it is first scheduled, then out and back for each system call.
      assertEquals(1 + 2 * 3, run.stats().value("system.hv.view-switches"));
      assertEquals(7 * switchNanos, run.stats().value("system.cpu0.time.hv.vmexit.hv"));
    }
  }

  @Test
  void aViolationOnAProcessesOwnAccessHaltsItBeforeItGoesOn() {
    try (SystemRun run = start()) {
      run.boot(TestKernel::new);
      boolean[] wentOn = {false};
      int pid = run.start(u -> {
        u.store64(GVA, 1);
        long gfn = frameOfFirstPage(run, u.pid());
        probe().watchedGfn = gfn;
        probe().hv.views().os().setPermissions(gfn, X86.EPT_R);
        u.store64(GVA, 2);
        wentOn[0] = true;
      });
      run.run();
      assertEquals(StrategyServices.HALT_STATUS, run.exitStatuses().get(pid));
      assertTrue(!wentOn[0], "halted at the access");
      assertEquals(1, run.violations().size());
      assertTrue(run.violations().get(0).contains("write to the watched frame"), run.violations().toString());
      assertTrue(probe().calls.stream().anyMatch(c -> c.startsWith("exit USER pid " + pid)), probe().calls.toString());
    }
  }

  @Test
  void aViolationRaisedWhileTheKernelRunsHaltsTheProcessAtItsReturnToUser() {
    try (SystemRun run = start()) {
      run.boot(TestKernel::new);
      boolean[] denied = {false};
      boolean[] wentOn = {false};
      int pid = run.start(u -> {
        u.store64(GVA, 1);
        long gfn = frameOfFirstPage(run, u.pid());
        probe().watchedGfn = gfn;
        probe().owner = u.pid(); // the strategy names the HAP whose frame it is
        probe().hv.views().os().setPermissions(gfn, X86.EPT_R);
        try {
          // The kernel (through its view of memory) writes the frame while this process runs.
          run.ports().memory().store64(gfn << X86.PAGE_SHIFT, 0xBAD);
        } catch (org.sego.api.guest.OsAccessDenied e) {
          denied[0] = true;
        }
        u.syscalls().getpid();
        wentOn[0] = true;
      });
      run.run();
      assertTrue(denied[0], "the kernel's write was denied");
      assertTrue(!wentOn[0], "the process did not return to user mode");
      assertEquals(StrategyServices.HALT_STATUS, run.exitStatuses().get(pid));
      assertTrue(probe().calls.stream().anyMatch(c -> c.startsWith("exit KERNEL pid " + pid)), probe().calls.toString());
      assertEquals(1, run.violations().size());
    }
  }

  @Test
  void hapAndKernelHypercallsArriveOnTheirOwnPortsOnly() {
    try (SystemRun run = start()) {
      run.boot(TestKernel::new);
      List<HypercallResult> r = new ArrayList<>();
      int pid = run.start(u -> {
        r.add(u.hypercalls().call(new ProbeStrategy.HapOnly()));
        r.add(u.hypercalls().call(new ProbeStrategy.KernelOnly()));
        r.add(run.ports().hypercalls().call(new ProbeStrategy.HapOnly()));
        r.add(run.ports().hypercalls().call(new ProbeStrategy.KernelOnly()));
        r.add(u.hypercalls().call(new HapHypercalls.ReportFailedCheck("mmap-result", "mmap returned 0x1")));
      });
      run.run();
      assertEquals(new HypercallResult.Ok(pid), r.get(0), "the HAP's call, in its own name");
      assertInstanceOf(HypercallResult.Refused.class, r.get(1));
      assertInstanceOf(HypercallResult.Refused.class, r.get(2), "a kernel cannot call in a HAP's name");
      assertEquals(new HypercallResult.Ok(pid), r.get(3), "the kernel's call, for the process it ran for");
      assertEquals(4, r.size(), "the HAP halted on its failed check before it saw the answer");
      assertEquals(List.of("hypercall probe-hap HAP " + pid, "hypercall probe-kernel KERNEL " + pid),
          probe().calls.stream().filter(c -> c.startsWith("hypercall")).toList());
      assertEquals(2, run.stats().value("system.hv.hypercalls-wrong-port"));
      assertEquals(StrategyServices.HALT_STATUS, run.exitStatuses().get(pid), "a failed library check halts the HAP");
      assertTrue(run.violations().get(0).contains("mmap-result"), run.violations().toString());
    }
  }

  @Test
  void theExitOfAProcessIsReportedAndItsIntentsGo() {
    try (SystemRun run = start()) {
      run.boot(TestKernel::new);
      int pid = run.start(u -> probe().hv.intents().declare(u.pid(), GVA, 4096, 9, 0));
      run.run();
      assertTrue(probe().calls.contains("exited " + pid));
      assertEquals(0, probe().hv.intents().size());
      assertTrue(!probe().hv.processes().alive(pid));
    }
  }

  @Test
  void aGuestCrashKeepsTheStrategyAndAPowerFailureBuildsAFreshOneThatRecovers() {
    SystemRun first = start();
    first.boot(TestKernel::new);
    for (int i = 0; i < 3; i++) {
      // Three processes, so that at the crash two are parked on their threads mid-system-call.
      first.start(u -> {
        while (true) {
          u.syscalls().yield();
          u.compute(10_000);
        }
      });
    }
    assertTrue(first.runUntil(1_000_000));
    first.crash(false, PowerFailure.loseAll());
    SystemRun second = SystemRun.reboot(first);
    assertEquals(1, ProbeStrategy.BUILT.size(), "the same strategy after a guest crash");
    assertTrue(probe().calls.contains("guest-crashed"));
    assertSame(first.simulation(), second.simulation(), "time goes on");
    long before = second.simulation().clock(0);
    second.boot(TestKernel::new);
    List<Integer> pids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pids.add(second.start(u -> {
        for (int k = 0; k < 50; k++) {
          u.store64(GVA + k * 8, k);
          u.syscalls().yield();
        }
      }));
    }
    second.run(); // checks that each vCPU's time categories sum to its clock
    for (int pid : pids) {
      assertEquals(0, second.exitStatuses().get(pid), "every process of the next boot ran to its end");
    }
    assertTrue(second.simulation().clock(0) > before);
    second.crash(true, PowerFailure.loseAll());
    try (SystemRun third = SystemRun.reboot(second)) {
      assertEquals(2, ProbeStrategy.BUILT.size(), "a power failure drops the strategy's volatile state");
      assertEquals(List.of("start", "recover"), probe().calls);
    }
  }

  /** Asks for something the root does not bind. */
  static final class GreedyStrategy implements org.sego.api.hv.ProtectionStrategy {
    @jakarta.inject.Inject
    GreedyStrategy(java.util.Random random) {}

    @Override
    public String name() {
      return "greedy";
    }

    @Override
    public org.sego.api.hypercall.Capabilities capabilities() {
      return org.sego.api.hypercall.Capabilities.none();
    }
  }

  @Test
  void aStrategyThatInjectsWhatTheRootDoesNotBindIsToldWhatItMayInject() {
    PluginProvider greedy = new PluginProvider() {
      @Override
      public String name() {
        return "greedy";
      }

      @Override
      public PluginKind kind() {
        return PluginKind.STRATEGY;
      }

      @Override
      public String description() {
        return "asks for a host object";
      }

      @Override
      public com.google.inject.Module module(PluginConfig config) {
        return binder -> binder.bind(org.sego.api.hv.ProtectionStrategy.class).to(GreedyStrategy.class);
      }
    };
    var system = SegoSystem.builder(registryWith(greedy)).memory("16 MiB").strategy("greedy").build();
    IllegalStateException e = assertThrows(IllegalStateException.class, system::start);
    assertTrue(e.getMessage().contains("a strategy may inject: org.sego.api.hv.HypervisorServices"), e.getMessage());
    assertTrue(e.getMessage().contains("strategy 'greedy'"), e.getMessage());
    assertTrue(e.getMessage().contains("java.util.Random"), e.getMessage());
  }

  @Test
  void aCategoryTheStrategyRegistersIsChargedAndNamedAndItsStatsStayUnderItsPath() {
    try (SystemRun run = start()) {
      var hv = probe().hv;
      int c = hv.category("probe.work");
      assertEquals(c, hv.category("probe.work"));
      assertTrue(c > CostCategory.IDLE);
      hv.charge(c, 1234);
      hv.stats().counter("system.strategy.things", "things", "counted").add(3);
      assertThrows(IllegalArgumentException.class, () -> hv.stats().counter("system.hv.violations", "events", "x"));
      assertThrows(IllegalArgumentException.class, () -> hv.category("NotDotted"));
      run.run();
      assertEquals(1234L, run.stats().value("system.cpu0.time.probe.work.hv"));
      assertEquals(3, run.stats().value("system.strategy.things"));
    }
  }

  @Test
  void hypervisorFramesLieAboveGuestMemoryWhereTheOsCannotReachThem() {
    try (SystemRun run = start()) {
      var frames = probe().hv.frames();
      long guest = probe().hv.guestFrames();
      long a = frames.allocate();
      long b = frames.allocate();
      assertEquals(guest, a);
      assertEquals(guest + 1, b);
      assertEquals(2, frames.inUse());
      frames.free(a);
      assertEquals(a, frames.allocate(), "lowest first: runs repeat");
      assertThrows(IllegalArgumentException.class, () -> frames.free(guest - 1));
      assertThrows(IndexOutOfBoundsException.class, () -> run.ports().memory().load64(b << X86.PAGE_SHIFT));
      assertEquals(64L << 20 >>> X86.PAGE_SHIFT, frames.capacity(), "hypervisor-memory's default");
    }
  }

  @Test
  void workInsideAnEventMovesTheEventsTime() {
    try (SystemRun run = start()) {
      var hv = probe().hv;
      long[] seen = new long[2];
      hv.events().schedule(5_000, "system.strategy.test", t -> {
        seen[0] = hv.clock().nowNanos();
        hv.charge(CostCategory.CRYPTO, 700);
        seen[1] = hv.clock().nowNanos();
      });
      run.run();
      assertEquals(5_000, seen[0]);
      assertEquals(5_700, seen[1], "what the event did next happens after its 700 ns of work");
    }
  }
}
