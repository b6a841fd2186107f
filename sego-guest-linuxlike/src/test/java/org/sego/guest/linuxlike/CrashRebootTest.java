package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.storage.PowerFailure;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * Crash mid-run and reboot on the same volumes: a fresh kernel mounts with journal replay, the check
 * at mount finds nothing, and every file whose fsync returned before the crash reads back whole.
 */
class CrashRebootTest {
  static byte[] content(int f) {
    byte[] b = new byte[20_000 + f * 1000];
    new SplittableRandom(f).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} at {1} ns, {2} mode")
  @CsvSource({"guest, 3000000, ordered", "power, 3000000, ordered", "guest, 7000000, journal",
      "power, 7000000, journal", "power, 5000000, ordered", "guest, 1500000, journal"})
  void fsyncedFilesSurviveACrashAndReboot(String kind, long at, String mode) {
    SegoSystem system = SegoSystem.builder().memory("64 MiB").seed(8)
        .guest("linuxlike", Map.of("fs-device", "disk", "fs-journal", mode))
        .device("disk", "nvme", Map.of("size", "32 MiB")).build();
    List<Integer> fsynced = new ArrayList<>();
    SystemRun first = system.start();
    first.bootGuest();
    first.start(u -> {
      var s = u.syscalls();
      long buf = s.mmap(0, 1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      for (int f = 0; f < 40; f++) {
        int fd = s.open("/f" + f, Fcntl.O_RDWR | Fcntl.O_CREAT);
        byte[] c = content(f);
        u.write(buf, c, 0, c.length);
        s.write(fd, buf, c.length);
        s.fsync(fd);
        synchronized (fsynced) {
          fsynced.add(f);
        }
        s.close(fd);
      }
    });
    assertTrue(first.runUntil(at), "the crash came before the program finished");
    crashRebootAndReadBack(first, kind.equals("power"), fsynced);
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> concurrentCrashPoints() {
    java.util.stream.Stream.Builder<org.junit.jupiter.params.provider.Arguments> b = java.util.stream.Stream.builder();
    for (String mode : new String[] {"ordered", "journal"}) {
      for (int k = 6; k < 32; k++) {
        b.add(org.junit.jupiter.params.provider.Arguments.of(k % 5 == 0 ? "guest" : "power", k, mode));
      }
    }
    return b.build();
  }

  /** Three processes (this one and two forked) each create and fsync 15 files; {@code fsynced} gets those whose fsync returned. */
  static void concurrentWriters(org.sego.api.sim.UserContext parent, List<Integer> fsynced) {
    org.sego.api.sim.Program writer = u -> {
      var s = u.syscalls();
      long buf = s.mmap(0, 1 << 17, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      int me = s.getpid();
      for (int n = 0; n < 15; n++) {
        int f = (me - 1) * 15 + n; // (pids 1, 2, 3)
        int fd = s.open("/f" + f, Fcntl.O_RDWR | Fcntl.O_CREAT);
        byte[] c = content(f);
        u.write(buf, c, 0, c.length);
        s.write(fd, buf, c.length);
        if (s.fsync(fd) == 0) {
          synchronized (fsynced) {
            fsynced.add(f);
          }
        }
        s.close(fd);
      }
    };
    parent.syscalls().fork(writer);
    parent.syscalls().fork(writer);
    writer.run(parent);
  }

  /**
   * Three processes create and fsync files side by side (one commit at a time; an operation starting
   * during a commit waits for it): after a crash at one of 26 points of the whole run, every file
   * whose fsync returned reads back whole and the check at mount finds nothing.
   */
  @ParameterizedTest(name = "{0} at {1}/32 of the run, {2} mode")
  @org.junit.jupiter.params.provider.MethodSource("concurrentCrashPoints")
  void filesFsyncedByConcurrentProcessesSurviveACrash(String kind, int at32, String mode) {
    SegoSystem system = SegoSystem.builder().memory("64 MiB").seed(8)
        .guest("linuxlike", Map.of("fs-device", "disk", "fs-journal", mode))
        .device("disk", "nvme", Map.of("size", "32 MiB")).build();
    long whole;
    try (SystemRun run = system.start()) {
      run.bootGuest();
      run.start(u -> concurrentWriters(u, new ArrayList<>()));
      run.run();
      whole = run.stats().value("system.time.completion");
      assertEquals(Map.of(1, 0, 2, 0, 3, 0), run.exitStatuses(), "the writers' run without a crash");
    }
    List<Integer> fsynced = new ArrayList<>();
    SystemRun first = system.start();
    first.bootGuest();
    first.start(u -> concurrentWriters(u, fsynced));
    assertTrue(first.runUntil(whole * at32 / 32), "the crash came before the program finished");
    crashRebootAndReadBack(first, kind.equals("power"), fsynced);
  }

  /**
   * Crashes {@code first} (a power failure losing every unflushed write, or the guest alone), reboots
   * on its volumes: the mount replays the journal and its check finds nothing, and every file of
   * {@code fsynced} reads back whole.
   */
  static void crashRebootAndReadBack(SystemRun first, boolean power, List<Integer> fsynced) {
    first.crash(power, PowerFailure.loseAll());
    List<String> failures = new ArrayList<>();
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.start(u -> {
        var s = u.syscalls();
        long buf = s.mmap(0, 1 << 17, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        s.stat("/", buf); // mounts: journal replay and the check at mount
        failures.addAll(readBack(u, buf, fsynced));
      });
      second.run();
      assertEquals(0, second.exitStatuses().get(pid));
      assertEquals(0, second.stats().value("system.guest.fs.fsck-problems"));
      assertEquals(1, second.stats().value("system.guest.fs.fsck-runs"));
    }
    assertEquals(List.of(), failures);
  }

  /** Reads back each file {@code /f<n>} of {@code fsynced} through {@code buf}: what differs from its content. */
  static List<String> readBack(org.sego.api.sim.UserContext u, long buf, List<Integer> fsynced) {
    var s = u.syscalls();
    List<String> failures = new ArrayList<>();
    for (int f : fsynced) {
      int fd = s.open("/f" + f, Fcntl.O_RDONLY);
      byte[] c = content(f);
      long n = fd < 0 ? fd : s.read(fd, buf, c.length);
      if (n != c.length) {
        failures.add("/f" + f + ": read " + n + " of " + c.length);
        continue;
      }
      byte[] back = new byte[c.length];
      u.read(buf, back, 0, back.length);
      if (!Arrays.equals(c, back)) {
        failures.add("/f" + f + ": content differs");
      }
      s.close(fd);
    }
    return failures;
  }
}
