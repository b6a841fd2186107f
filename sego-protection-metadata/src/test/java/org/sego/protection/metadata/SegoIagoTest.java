package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.attack.KernelHooks;
import org.sego.api.hap.HapProgram;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.posix.Syscalls;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.AdversaryLog;
import org.sego.core.run.SystemRun;
import org.sego.support.SeededCases;

/**
 * The trusted library's Iago checks, enabled through sego's capabilities: each fires on a crafted
 * kernel answer (a violation naming it, the HAP halted) and is silent with its switch off; over
 * seeded random sequences of honest system calls none ever fires.
 */
class SegoIagoTest {
  record Outcome(List<String> violations, int status, Map<String, Integer> calls) {}

  /** Runs {@code hap} under sego with {@code strategy} parameters, the kernel answering {@code syscall} through {@code lie}. */
  static Outcome run(HapProgram hap, Map<String, ?> strategy, String syscall, LongUnaryOperator lie) {
    SegoSystem s = SegoSystem.builder(PluginRegistry.discover()).memory("64 MiB").seed(3).strategy("sego", strategy)
        .device("disk", "nvme", Map.of("size", "32 MiB"))
        .guest("linuxlike", Map.of("fs-device", "disk")).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startHap(hap, (p, l, v) -> {});
      Map<String, Integer> calls = new HashMap<>();
      run.installHooks(new KernelHooks() {
        @Override
        public void syscallEntry(int p, String name) {
          calls.merge(name, 1, Integer::sum);
        }

        @Override
        public long syscallResult(int p, String name, long result) {
          return p == pid && name.equals(syscall) ? lie.applyAsLong(result) : result;
        }
      }, new AdversaryLog());
      run.run();
      return new Outcome(run.violations(), run.exitStatuses().get(pid), calls);
    }
  }

  /** One of each call a check looks at (a file for read and lseek). */
  static final HapProgram EACH = t -> {
    Syscalls sys = t.syscalls();
    sys.getpid();
    sys.clockNanos();
    long m = sys.mmap(0, 8192, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    sys.brk(0);
    int fd = sys.open("/plain", Fcntl.O_CREAT | Fcntl.O_RDWR);
    sys.write(fd, m, 100);
    sys.lseek(fd, 0, Fcntl.SEEK_SET);
    sys.read(fd, m, 100);
    sys.close(fd);
    sys.getrandom(m, 16);
    sys.getpid();
    sys.clockNanos();
  };


  static Stream<Arguments> checks() {
    return Stream.of(
        Arguments.of("mmap-result", "mmap", (LongUnaryOperator) r -> r + 1, Map.of()),
        Arguments.of("brk-result", "brk", (LongUnaryOperator) r -> -(1L << 40), Map.of()),
        Arguments.of("getrandom-length", "getrandom", (LongUnaryOperator) r -> r + 100, Map.of("check-getrandom-hypervisor", false)),
        Arguments.of("getpid-stable", "getpid", new LongUnaryOperator() {
          private int n;

          @Override
          public long applyAsLong(long r) {
            return ++n == 2 ? r + 1 : r;
          }
        }, Map.of()),
        Arguments.of("io-length", "read", (LongUnaryOperator) r -> r + 1, Map.of()),
        Arguments.of("lseek-result", "lseek", (LongUnaryOperator) r -> r + 5, Map.of()),
        Arguments.of("clock-monotonic", "clockNanos", new LongUnaryOperator() {
          private int n;

          @Override
          public long applyAsLong(long r) {
            return ++n == 2 ? 0 : r;
          }
        }, Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checks")
  void eachCheckFiresOnACraftedAnswerAndNotWhenOff(String check, String syscall, LongUnaryOperator lie,
      Map<String, Object> extra) {
    Outcome on = run(EACH, extra, syscall, lie);
    assertEquals(1, on.violations().size(), on.violations().toString());
    assertTrue(on.violations().get(0).contains("check " + check + " failed"), on.violations().toString());
    assertTrue(on.status() != 0, "the HAP was halted");
    Map<String, Object> off = new HashMap<>(extra);
    off.put("check-" + check, false);
    Outcome quiet = run(EACH, off, syscall, lie);
    assertEquals(List.of(), quiet.violations(), check + " off: the crafted answer gets through");
  }

  @Test
  void getrandomIsServedByTheHypervisorNotTheKernel() {
    Outcome on = run(EACH, Map.of(), "getrandom", r -> r);
    assertEquals(null, on.calls().get("getrandom"), "the kernel was never asked: " + on.calls());
    Outcome off = run(EACH, Map.of("check-getrandom-hypervisor", false), "getrandom", r -> r);
    assertEquals(1, off.calls().get("getrandom"));
    assertEquals(List.of(), on.violations());
  }

  static LongStream seeds() {
    return SeededCases.seeds(77, 100);
  }

  /** A random honest sequence of the calls the checks look at: no check may fire. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void honestSequencesRaiseNoFalseAlarm(long seed) {
    HapProgram hap = t -> {
      SplittableRandom r = new SplittableRandom(seed);
      Syscalls sys = t.syscalls();
      long secure = t.allocateSecure(4 * 4096L);
      long buf = sys.mmap(0, 16 * 4096L, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      int fd = sys.open("/f" + r.nextInt(3), Fcntl.O_CREAT | Fcntl.O_RDWR);
      for (int i = 0, n = 20 + r.nextInt(60); i < n; i++) {
        switch (r.nextInt(11)) {
          case 0 -> sys.getpid();
          case 1 -> sys.clockNanos();
          case 2 -> {
            long m = sys.mmap(0, 4096L * (1 + r.nextInt(8)), Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
            if (m > 0 && r.nextBoolean()) {
              sys.munmap(m, 4096);
            }
          }
          case 3 -> sys.brk(r.nextBoolean() ? 0 : sys.brk(0) + 4096L * r.nextInt(4));
          case 4 -> sys.write(fd, buf, 1 + r.nextInt(20000));
          case 5 -> sys.lseek(fd, r.nextInt(30000), r.nextInt(3));
          case 6 -> sys.read(fd, buf, 1 + r.nextInt(20000));
          case 7 -> sys.getrandom(r.nextBoolean() ? secure : buf, 1 + r.nextInt(300));
          case 8 -> {
            long m = sys.mmap(0, 4096L * (1 + r.nextInt(4)), Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
            if (m > 0) {
              t.user().store64(m, r.nextLong());
              sys.mprotect(m, 4096, r.nextBoolean() ? Mman.PROT_READ : Mman.PROT_NONE);
              sys.munmap(m, 4096);
            }
          }
          case 9 -> {
            if (r.nextInt(3) == 0) {
              listToTheEnd(sys, buf);
            }
            int sfd = t.files().open("/s" + r.nextInt(2), Fcntl.O_CREAT);
            t.files().write(sfd, secure, 1 + r.nextInt(8000));
            t.files().close(sfd);
            sys.stat("/s" + r.nextInt(3), buf);
            if (r.nextInt(4) == 0) {
              t.files().rename("/s" + r.nextInt(2), "/s" + r.nextInt(3));
            }
            if (r.nextInt(4) == 0) {
              t.files().unlink("/s" + r.nextInt(3));
            }
          }
          default -> t.user().store64(secure + 8L * r.nextInt(2048), r.nextLong());
        }
      }
      sys.close(fd);
    };
    Outcome o = run(hap, Map.of(), "none", x -> x);
    assertEquals(List.of(), o.violations());
    assertEquals(0, o.status());
  }

  /**
   * The HAP maps a page, writes it, then unmaps it (or makes it read-only); the kernel reports the
   * call done but puts the page-table entry back as it was before. The hypervisor's walk of the HAP's
   * tables catches it (unless the check is off).
   */
  static Outcome keptMapping(String syscall, Map<String, ?> strategy) {
    SegoSystem s = SegoSystem.builder(PluginRegistry.discover()).memory("64 MiB").seed(3).strategy("sego", strategy)
        .device("disk", "nvme", Map.of("size", "32 MiB"))
        .guest("linuxlike", Map.of("fs-device", "disk")).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      long[] at = {0};
      HapProgram hap = t -> {
        Syscalls sys = t.syscalls();
        long m = sys.mmap(0, 4096, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        t.user().store64(m, 42);
        at[0] = m;
        if (syscall.equals("munmap")) {
          sys.munmap(m, 4096);
        } else {
          sys.mprotect(m, 4096, Mman.PROT_READ);
        }
        sys.getpid();
      };
      int pid = run.startHap(hap, (p, l, v) -> {});
      AdversaryLog log = new AdversaryLog();
      var ops = run.adversary(log, pid);
      long[] pte = {0};
      run.installHooks(new KernelHooks() {
        @Override
        public void syscallEntry(int p, String name) {
          if (p == pid && name.equals(syscall)) {
            pte[0] = ops.readPte(pid, at[0]);
          }
        }

        @Override
        public long syscallResult(int p, String name, long result) {
          if (p == pid && name.equals(syscall) && pte[0] != 0) {
            ops.writePte(pid, at[0], pte[0]); // reported done, undone
          }
          return result;
        }
      }, log);
      run.run();
      return new Outcome(run.violations(), run.exitStatuses().get(pid), Map.of());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keptMappings")
  void anUnmapOrProtectReportedButNotDoneIsAViolation(String syscall, String check) {
    Outcome on = keptMapping(syscall, Map.of());
    assertEquals(1, on.violations().size(), on.violations().toString());
    assertTrue(on.violations().get(0).contains("check " + check), on.violations().toString());
    assertTrue(on.status() != 0, "the HAP was halted");
    assertEquals(List.of(), keptMapping(syscall, Map.of("check-" + check, false)).violations(),
        check + " off: the kept mapping gets through");
  }

  static Stream<Arguments> keptMappings() {
    return Stream.of(Arguments.of("munmap", "munmap-done"), Arguments.of("mprotect", "mprotect-done"));
  }

  /** A secure file the kernel hides: open, stat, unlink and rename answer ENOENT for it, readdir leaves it out. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hidingCalls")
  void aKernelHidingASecureFileIsCaught(String syscall) {
    HapProgram hap = t -> {
      long buf = t.allocateSecure(4096);
      int sfd = t.files().open("/s", Fcntl.O_CREAT);
      t.files().write(sfd, buf, 4096);
      t.files().close(sfd);
      switch (syscall) {
        case "open" -> t.files().open("/s", 0);
        case "stat" -> t.syscalls().stat("/s", buf);
        case "unlink" -> t.files().unlink("/s");
        case "readdir" -> listToTheEnd(t.syscalls(), buf);
        default -> t.files().rename("/s", "/r");
      }
    };
    String kernelName = syscall;
    boolean[] first = {true};
    LongUnaryOperator hide = r -> {
      if (kernelName.equals("open") && first[0]) { // (the first open is the HAP's own creation)
        first[0] = false;
        return r;
      }
      return kernelName.equals("readdir") ? 0 : -org.sego.api.posix.Errno.ENOENT; // (readdir: an empty directory)
    };
    Outcome on = run(hap, Map.of(), kernelName, hide);
    assertEquals(1, on.violations().size(), on.violations().toString());
    assertTrue(on.violations().get(0).contains("check secure-namespace failed"), on.violations().toString());
    first[0] = true;
    assertEquals(List.of(), run(hap, Map.of("check-secure-namespace", false), kernelName, hide).violations());
  }

  static Stream<String> hidingCalls() {
    return Stream.of("open", "stat", "unlink", "rename", "readdir");
  }

  @Test
  void anHonestStatOfASecureFileRaisesNoAlarm() {
    HapProgram hap = t -> {
      long buf = t.allocateSecure(8192);
      int sfd = t.files().open("/s", Fcntl.O_CREAT);
      t.files().write(sfd, buf, 8192);
      t.files().close(sfd);
      assertEquals(0, t.syscalls().stat("/s", buf));
    };
    assertEquals(List.of(), run(hap, Map.of(), "stat", r -> r).violations(), "honest stat");
  }

  /** Reads directory {@code /} to its end through {@code buf} (one page). */
  static void listToTheEnd(Syscalls sys, long buf) {
    int dir = sys.open("/", Fcntl.O_RDONLY | Fcntl.O_DIRECTORY);
    while (sys.readdir(dir, buf, 4096) > 0) {
      // every record looked at by the library
    }
    sys.close(dir);
  }

  /**
   * A secure file written and fsynced but its name never committed, then a power failure: the new
   * guest may not have the name, and neither open's ENOENT nor a listing without it is a lie.
   */
  @Test
  void aNameLostBeforeItsCommitIsNoLie() {
    SegoSystem s = SegoSecureFilesTest.system(Map.of("sfile-sync", "fsync"));
    SystemRun first = s.start();
    first.bootGuest();
    first.startHap(t -> {
      long buf = t.allocateSecure(4096);
      int sfd = t.files().open("/u", Fcntl.O_CREAT);
      t.files().write(sfd, buf, 4096);
      for (int k = 0; k < 1_000_000; k++) {
        t.syscalls().getpid(); // the flusher writes /u back: its log's sync makes the name's record durable, not the directory
      }
    }, (p, l, v) -> {});
    assertTrue(first.runUntil(40_000_000));
    assertTrue(first.stats().value("system.strategy.write-ahead-pages") > 0, "the page went to the log");
    first.crash(true, org.sego.api.storage.PowerFailure.loseAll());
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      long[] opened = {0};
      second.startHap(t -> {
        opened[0] = t.files().open("/u", 0);
        listToTheEnd(t.syscalls(), t.allocateSecure(4096));
        t.syscalls().stat("/u", t.allocateSecure(4096));
      }, (p, l, v) -> {});
      second.run();
      assertEquals(-org.sego.api.posix.Errno.ENOENT, opened[0], "the kernel lost the uncommitted name");
      assertEquals(List.of(), second.violations(), "and no check cries wolf");
    }
  }
}
