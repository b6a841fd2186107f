package org.sego.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.Program;
import org.sego.api.sim.UserContext;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecValidator;
import org.sego.core.run.SystemRun;

/**
 * Each paper-like workload passes its self-check on an honest run and fails it when one byte it
 * writes into simulated memory is flipped on the way (the check compares against a reference
 * computed outside the simulation, so garbage cannot pass).
 */
class SelfCheckTest {
  static Stream<Arguments> workloads() {
    return Stream.of(
        Arguments.of("graph", Map.of("vertices", 4096, "passes", 1)),
        Arguments.of("file-io", Map.of("size", "512 KiB", "request", "16 KiB", "pattern", "random")),
        Arguments.of("file-io", Map.of("size", "512 KiB", "request", "16 KiB", "queue-depth", 3)),
        Arguments.of("postmark", Map.of("files", 30, "transactions", 60)),
        Arguments.of("wiki", Map.of("pages", 20, "requests", 80)),
        Arguments.of("ldap", Map.of("records", 512, "lookups", 400)),
        Arguments.of("sharing", Map.of("processes", 2, "pages", 32, "wait", "1 ms")),
        Arguments.of("compaction", Map.of("fragment", "2 MiB", "region", "2 MiB", "accesses", 2000, "wait", "1 ms")));
  }

  static int run(String name, Map<String, Object> params, int corruptWrite) {
    PluginRegistry registry = PluginRegistry.discover();
    WorkloadProvider w = (WorkloadProvider) registry.find(PluginKind.WORKLOAD, name).orElseThrow();
    SegoSystem s = SegoSystem.builder(registry).memory("128 MiB").seed(3)
        .device("swap", "nvme", Map.of("size", "64 MiB")).device("disk", "nvme", Map.of("size", "64 MiB"))
        .guest("linuxlike", Map.of("memory-limit", "32 MiB", "swap-device", "swap", "fs-device", "disk")).build();
    var params2 = new SpecValidator(registry).resolveParameters("workload." + name, w, new java.util.LinkedHashMap<>(params));
    Program honest = w.program(params2, 3);
    Program p = corruptWrite < 0 ? honest : new Corrupting(honest, corruptWrite);
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.start(p);
      run.run();
      return run.exitStatuses().get(pid);
    }
  }

  @ParameterizedTest
  @MethodSource("workloads")
  void passesHonestlyAndCatchesOneFlippedByte(String name, Map<String, Object> params) {
    assertEquals(0, run(name, params, -1), name + " failed its own check on an honest run");
    // (file-io's random pattern lays its file out first: the flipped write must be one of the overwrites after it)
    // (ldap loads its database in two bulk writes here: the first (record 0, the most looked up) is flipped)
    int n = "random".equals(params.get("pattern")) ? 40 : name.equals("ldap") ? 0 : 5;
    assertNotEquals(0, run(name, params, n), name + " did not notice a flipped byte");
  }

  /** Runs the program with the first byte of its {@code n}th write into memory flipped. */
  static final class Corrupting implements Program {
    private final Program inner;
    private final int n;

    Corrupting(Program inner, int n) {
      this.inner = inner;
      this.n = n;
    }

    @Override
    public void run(UserContext u) {
      int[] count = {0};
      inner.run(new UserContext() {
        @Override
        public long load64(long gva) {
          return u.load64(gva);
        }

        @Override
        public void store64(long gva, long value) {
          u.store64(gva, value);
        }

        @Override
        public byte load8(long gva) {
          return u.load8(gva);
        }

        @Override
        public void store8(long gva, byte value) {
          u.store8(gva, value);
        }

        @Override
        public void read(long gva, byte[] dst, int off, int len) {
          u.read(gva, dst, off, len);
        }

        @Override
        public void write(long gva, byte[] src, int off, int len) {
          if (count[0]++ == n && len > 0) {
            byte[] copy = java.util.Arrays.copyOfRange(src, off, off + len);
            copy[0] ^= 0x5A;
            u.write(gva, copy, 0, len);
            return;
          }
          u.write(gva, src, off, len);
        }

        @Override
        public Syscalls syscalls() {
          return u.syscalls();
        }

        @Override
        public void compute(long ops) {
          u.compute(ops);
        }

        @Override
        public long[] registers() {
          return u.registers();
        }

        @Override
        public int pid() {
          return u.pid();
        }
      });
    }
  }
}
