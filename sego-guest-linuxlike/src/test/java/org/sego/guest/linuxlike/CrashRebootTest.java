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
    first.crash(kind.equals("power"), PowerFailure.loseAll());
    List<String> failures = new ArrayList<>();
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.start(u -> {
        var s = u.syscalls();
        long buf = s.mmap(0, 1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        s.stat("/", buf); // mounts: journal replay and the check at mount
        for (int f : fsynced) {
          int fd = s.open("/f" + f, Fcntl.O_RDONLY);
          byte[] c = content(f);
          byte[] back = new byte[c.length];
          long n = fd < 0 ? fd : s.read(fd, buf, c.length);
          if (n != c.length) {
            failures.add("/f" + f + ": read " + n + " of " + c.length);
            continue;
          }
          u.read(buf, back, 0, back.length);
          if (!Arrays.equals(c, back)) {
            failures.add("/f" + f + ": content differs");
          }
        }
      });
      second.run();
      assertEquals(0, second.exitStatuses().get(pid));
      assertEquals(0, second.stats().value("system.guest.fs.fsck-problems"));
      assertEquals(1, second.stats().value("system.guest.fs.fsck-runs"));
    }
    assertEquals(List.of(), failures);
  }
}
