package org.sego.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sego.api.sim.Program;
import org.sego.core.SegoSystem;

/** Processes on the simulation kernel interleave identically on every run, with one or two vCPUs. */
class InterleavingTest {
  @TempDir
  Path dir;

  static SegoSystem system(int vcpus, String slice) {
    return SegoSystem.builder().vcpus(vcpus).memory("64 MiB").seed(9).system("time-slice", slice)
        .device("disk", "nvme", Map.of("size", "16 MiB")).build();
  }

  /** Each process writes its pid and step into its own memory, yields, and logs when it ran. */
  static Program worker(List<String> log, int steps) {
    return u -> {
      int pid = u.syscalls().getpid();
      for (int i = 0; i < steps; i++) {
        long gva = 0x10_0000L + (long) i * 4096;
        u.store64(gva, pid * 1000L + i);
        u.compute(500 + 100L * pid);
        assertEquals(pid * 1000L + i, u.load64(gva));
        synchronized (log) {
          log.add("pid" + pid + ":" + i + "@" + u.syscalls().clockNanos());
        }
        u.syscalls().yield();
      }
    };
  }

  static List<String> runTwoProcesses(int vcpus, Path out) {
    List<String> log = new ArrayList<>();
    try (SystemRun run = system(vcpus, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(worker(log, 20));
      k.start(worker(log, 20));
      run.run();
      if (out != null) {
        run.writeOutputs(out);
      }
    }
    return log;
  }

  @ParameterizedTest(name = "{0} vCPUs")
  @ValueSource(ints = {1, 2})
  void twoProcessesInterleaveIdenticallyOnEveryRun(int vcpus) throws Exception {
    List<String> first = runTwoProcesses(vcpus, dir.resolve("a"));
    List<String> second = runTwoProcesses(vcpus, dir.resolve("b"));
    assertEquals(40, first.size());
    assertEquals(first, second);
    assertEquals(Files.readString(dir.resolve("a/stats.json")), Files.readString(dir.resolve("b/stats.json")));
    assertEquals(Files.readString(dir.resolve("a/config.json")), Files.readString(dir.resolve("b/config.json")));
    // Both processes make progress before either finishes: they interleave.
    int firstPid2 = indexOfPrefix(first, "pid2:");
    int lastPid1 = lastIndexOfPrefix(first, "pid1:");
    assertTrue(firstPid2 < lastPid1, first.toString());
  }

  @Test
  void twoVcpusFinishSoonerThanOne() {
    long one;
    long two;
    try (SystemRun run = system(1, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(worker(new ArrayList<>(), 50));
      k.start(worker(new ArrayList<>(), 50));
      run.run();
      one = run.simulation().completionNanos();
    }
    try (SystemRun run = system(2, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(worker(new ArrayList<>(), 50));
      k.start(worker(new ArrayList<>(), 50));
      run.run();
      two = run.simulation().completionNanos();
      assertTrue(run.stats().value("system.cpu1.time") > 0, "the second vCPU did work");
    }
    assertTrue(two < one * 0.75, "1 vCPU: " + one + " ns, 2 vCPUs: " + two + " ns");
  }

  @Test
  void aTimeSliceEndSwitchesProcessesThatNeverYield() {
    List<String> log = new ArrayList<>();
    Program spinner = u -> {
      int pid = u.syscalls().getpid();
      for (int i = 0; i < 200; i++) {
        u.compute(30_000); // 10 us per step
        u.syscalls().clockNanos();
        synchronized (log) {
          log.add("pid" + pid);
        }
      }
    };
    try (SystemRun run = system(1, "100 us").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(spinner);
      k.start(spinner);
      run.run();
    }
    int switches = 0;
    for (int i = 1; i < log.size(); i++) {
      if (!log.get(i).equals(log.get(i - 1))) {
        switches++;
      }
    }
    assertTrue(switches >= 10, "switches " + switches);
  }

  @Test
  void aSingleProcessRunsOnTheCallersThread() {
    Thread[] seen = new Thread[1];
    try (SystemRun run = system(1, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(u -> seen[0] = Thread.currentThread());
      run.run();
    }
    assertSame(Thread.currentThread(), seen[0]);
  }

  @Test
  void aFaultTheKernelRefusesKillsTheProcessWithSigsegv() {
    try (SystemRun run = system(1, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      int pid = k.start(u -> u.load64(1L << 48)); // non-canonical: the kernel refuses it
      run.run();
      assertEquals(139, k.exitStatus.get(pid));
    }
  }

  @Test
  void aFailingProgramFailsTheRunWithItsException() {
    try (SystemRun run = system(2, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(worker(new ArrayList<>(), 5));
      k.start(u -> {
        u.syscalls().yield();
        throw new IllegalStateException("boom in the program");
      });
      IllegalStateException e = assertThrows(IllegalStateException.class, run::run);
      assertEquals("boom in the program", e.getMessage());
    }
  }

  @Test
  void timeCategoriesSumToEachVcpusClock() {
    try (SystemRun run = system(2, "1 ms").start()) {
      TestKernel k = (TestKernel) run.boot(TestKernel::new);
      k.start(worker(new ArrayList<>(), 10));
      k.start(worker(new ArrayList<>(), 10));
      run.run();
      for (int v = 0; v < 2; v++) {
        long sum = run.simulation().timeByCategory(v).values().stream().mapToLong(Long::longValue).sum();
        assertEquals(run.simulation().clock(v), sum);
        assertNotEquals(0, sum);
      }
      assertTrue(run.stats().value("system.cpu.page-faults") >= 20);
      assertTrue(run.stats().value("system.mmu.tlb-hits") > 0);
    }
  }

  private static int indexOfPrefix(List<String> l, String p) {
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).startsWith(p)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOfPrefix(List<String> l, String p) {
    for (int i = l.size() - 1; i >= 0; i--) {
      if (l.get(i).startsWith(p)) {
        return i;
      }
    }
    return -1;
  }
}
