package org.sego.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.guest.KernelPorts;
import org.sego.api.guest.OsView;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hw.X86;
import org.sego.api.sim.Registers;
import org.sego.core.SegoSystem;

/** The shell does what the strategy asks and nothing more; under none it scrubs and mediates nothing. */
class HypervisorShellTest {
  @TempDir
  Path dir;

  static SegoSystem system(String strategy, GuardStrategy guard, boolean trace) {
    return SegoSystem.builder(GuardStrategy.registryWith(guard)).memory("32 MiB").strategy(strategy)
        .system("trace", trace).device("disk", "ramdisk", Map.of("size", "4 MiB")).build();
  }

  private static long[] registersSeenByKernel(String strategy, GuardStrategy guard, long[] after) {
    try (SystemRun run = system(strategy, guard, false).start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(u -> {
        u.registers()[Registers.RAX] = 0x5EC12E7L;
        u.registers()[Registers.RBX] = 0xC0FFEEL;
        u.syscalls().getpid();
        System.arraycopy(u.registers(), 0, after, 0, Registers.COUNT);
      });
      run.run();
      return k.registersSeen;
    }
  }

  @Test
  void underNoneTheKernelSeesTheProcessRegisters() {
    long[] after = new long[Registers.COUNT];
    long[] seen = registersSeenByKernel("none", new GuardStrategy(), after);
    assertEquals(0x5EC12E7L, seen[Registers.RAX]);
    assertEquals(0xC0FFEEL, seen[Registers.RBX]);
  }

  @Test
  void aProtectedProcessIsScrubbedOnEntryAndRestoredOnExit() {
    long[] after = new long[Registers.COUNT];
    long[] seen = registersSeenByKernel("guard", new GuardStrategy(), after);
    assertEquals(0, seen[Registers.RAX]);
    assertEquals(0, seen[Registers.RBX]);
    assertEquals(0x5EC12E7L, after[Registers.RAX], "the process gets its registers back");
    assertEquals(0xC0FFEEL, after[Registers.RBX]);
  }

  @Test
  void hypercallsGoToTheStrategyAndUnderNoneAreRefused() {
    GuardStrategy guard = new GuardStrategy();
    try (SystemRun run = system("guard", guard, false).start()) {
      KernelPorts p = run.ports();
      assertEquals(new HypercallResult.Ok(42), p.hypercalls().call(new GuardStrategy.Ping()));
      assertInstanceOf(HypercallResult.Violation.class, p.hypercalls().call(new GuardStrategy.Forge()));
      assertEquals(2, run.stats().value("system.hv.hypercalls"));
      assertEquals(1, run.stats().value("system.hv.violations"));
      assertEquals(2, guard.calls.size());
      assertTrue(p.hypercalls().capabilities().offers("swap"));
    }
    try (SystemRun run = system("none", guard, false).start()) {
      HypercallResult r = run.ports().hypercalls().call(new GuardStrategy.Ping());
      assertInstanceOf(HypercallResult.Refused.class, r);
      assertTrue(((HypercallResult.Refused) r).reason().contains("none"));
      assertEquals(1, run.stats().value("system.hv.hypercalls-refused"));
      assertTrue(run.simulation().accounts().total(0) > 0, "a hypercall costs time");
    }
  }

  @Test
  void aDmaTheStrategyRefusesFailsAndLeavesMemoryAloneButNoneMediatesNothing() {
    for (String strategy : new String[] {"guard", "none"}) {
      try (SystemRun run = system(strategy, new GuardStrategy(), false).start()) {
        KernelPorts p = run.ports();
        long target = GuardStrategy.REFUSED_DMA_GFN << X86.PAGE_SHIFT;
        p.memory().store64(target, 77);
        int[] status = {1};
        p.blocks().submit(BlockRequest.read("disk", 0, 1, target), (id, s, t) -> status[0] = s);
        run.run();
        if (strategy.equals("guard")) {
          assertEquals(BlockQueue.EIO, status[0]);
          assertEquals(77, p.memory().load64(target), "memory untouched");
          assertEquals(1, run.stats().value("system.devices.disk.refused"));
        } else {
          assertEquals(BlockQueue.OK, status[0]);
          assertEquals(0, p.memory().load64(target), "the device's zeros arrived");
        }
      }
    }
  }

  @Test
  void aFrameTheOsViewDeniesReachesTheStrategyAndTheKernelsReadIsDenied() {
    GuardStrategy guard = new GuardStrategy();
    try (SystemRun run = system("guard", guard, false).start()) {
      run.shell().currentView().setPermissions(500, 0);
      byte[] buf = new byte[64];
      assertEquals(OsView.DENIED, run.ports().memory().read(500L << X86.PAGE_SHIFT, buf, 0, buf.length));
      assertEquals(OsView.OK, run.ports().memory().read(501L << X86.PAGE_SHIFT, buf, 0, buf.length));
      assertEquals(java.util.List.of(500L), guard.violations);
      assertEquals(1, run.stats().value("system.hv.ept-violations"));
    }
  }

  @Test
  void mappingIntentsAreRecordedLookedUpAndRevokedWithSeededTokens() {
    long token;
    try (SystemRun run = system("none", new GuardStrategy(), false).start()) {
      MappingIntents intents = run.shell().intents();
      MappingIntents.Intent i = intents.declare(7, 0x1000, 0x2000, 99, 4096);
      token = i.token();
      intents.declare(7, 0x8000, 0x1000, 99, 8192);
      intents.declare(8, 0x1000, 0x1000, 5, 0);
      assertEquals(i, intents.lookup(7, 0x2000), "a page inside the range");
      assertEquals(4096 + 0x1000, intents.lookup(7, 0x2000).offsetOf(0x2000));
      assertNull(intents.lookup(7, 0x3000), "past its end");
      intents.declare(7, 0x2000, 0x1000, 42, 0);
      assertEquals(99, intents.lookup(7, 0x1000).objectId(), "an overlapping declaration replaces only what it covers");
      assertEquals(4096, intents.lookup(7, 0x1000).offsetOf(0x1000));
      assertEquals(42, intents.lookup(7, 0x2000).objectId());
      assertThrows(IllegalArgumentException.class, () -> intents.declare(7, 0x1001, 0x1000, 1, 0));
      intents.declare(7, 0x10000, 0x4000, 5, 0);
      assertTrue(intents.revoke(7, 0x11000, 0x1000), "a hole in the middle");
      assertNull(intents.lookup(7, 0x11000));
      assertEquals(0x2000, intents.lookup(7, 0x12000).offsetOf(0x12000), "the part after the hole keeps its offsets");
      assertFalse(intents.revoke(7, 0x40000, 0x1000));
      assertEquals(5, intents.revokeAll(7));
      assertEquals(1, intents.size());
    }
    try (SystemRun run = system("none", new GuardStrategy(), false).start()) {
      assertEquals(token, run.shell().intents().declare(7, 0x1000, 0x2000, 99, 4096).token(), "same seed, same token");
      assertNotEquals(token, run.shell().intents().declare(7, 0x1000, 0x2000, 99, 4096).token());
    }
  }

  @Test
  void theTraceRecordsFaultsHypercallsAndBlockIo() throws Exception {
    Path out = dir.resolve("not/yet/there");
    try (SystemRun run = system("none", new GuardStrategy(), true).start(out)) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      KernelPorts p = run.ports();
      k.start(u -> {
        u.store64(0x40_0000L, 1);
        p.hypercalls().call(new GuardStrategy.Ping());
      });
      p.blocks().submit(BlockRequest.write("disk", 1, 1, 0x20_0000L), (id, s, t) -> {});
      run.run();
    }
    String trace = Files.readString(out.resolve("trace.jsonl"));
    for (String event : new String[] {"\"page-fault\"", "\"hypercall\"", "\"write\""}) {
      assertTrue(trace.contains(event), event + " in " + trace);
    }
    assertTrue(trace.lines().allMatch(l -> l.startsWith("{") && l.contains("\"t\":")), trace);
  }

  @Test
  void aBlockReadBringsDeviceBytesIntoMemory() {
    try (SystemRun run = system("none", new GuardStrategy(), false).start()) {
      KernelPorts p = run.ports();
      byte[] pattern = new byte[4096];
      java.util.Arrays.fill(pattern, (byte) 0x5A);
      p.memory().write(40L << X86.PAGE_SHIFT, pattern, 0, 4096);
      p.blocks().submit(BlockRequest.write("disk", 2, 1, 40L << X86.PAGE_SHIFT),
          (id, s, t) -> p.blocks().submit(BlockRequest.read("disk", 2, 1, 41L << X86.PAGE_SHIFT), (a, b, c) -> {}));
      run.run();
      byte[] back = new byte[4096];
      p.memory().read(41L << X86.PAGE_SHIFT, back, 0, 4096);
      assertArrayEquals(pattern, back);
    }
  }
}
