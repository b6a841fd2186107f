package org.sego.examples.isolate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * data=journal with secure files the kernel cannot read: their journaled pages reach home by the
 * hypervisor's block copy, at checkpoint and at replay, and every fsynced file survives a crash.
 */
class SealedJournalTest {
  @ParameterizedTest(name = "power failure {0}")
  @ValueSource(booleans = {false, true})
  void fsyncedSecureFilesSurviveACrashInDataJournalMode(boolean power) {
    SegoSystem s = SegoSystem.builder(IsolateStrategyTest.registry()).memory("64 MiB").seed(6).strategy("isolate")
        .guest("linuxlike", Map.of("fs-device", "disk", "fs-journal", "journal"))
        .device("disk", "nvme", Map.of("size", "16 MiB")).build();
    List<Integer> durable = new ArrayList<>();
    SystemRun first = s.start();
    first.bootGuest();
    first.startHap(t -> {
      var fs = t.files();
      long buf = t.allocateSecure(4096);
      for (int i = 0; i < 1000; i++) {
        t.user().store64(buf, 1000L + i);
        int f = fs.open("/v" + i, org.sego.api.posix.Fcntl.O_CREAT);
        fs.write(f, buf, 4096);
        fs.fsync(f);
        fs.close(f);
        fs.commit();
        synchronized (durable) {
          durable.add(i);
        }
      }
    }, (p, label, value) -> {});
    assertTrue(first.runUntil(3_000_000), "the crash comes mid-run");
    long copies = first.stats().value("system.guest.hypercalls.block-copy");
    first.crash(power, org.sego.api.storage.PowerFailure.loseAll());
    List<String> wrong = new ArrayList<>();
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.startHap(t -> {
        var fs = t.files();
        long buf = t.allocateSecure(4096);
        for (int i : durable) {
          int f = fs.open("/v" + i, 0);
          if (f < 0 || fs.read(f, buf, 4096) != 4096 || t.user().load64(buf) != 1000L + i) {
            wrong.add("/v" + i);
          }
          fs.close(f);
        }
        t.syscalls().exit(0);
      }, (p, label, value) -> {});
      second.run();
      assertEquals(0, second.exitStatuses().get(pid));
      assertEquals(0, second.stats().value("system.guest.fs.fsck-problems"));
      assertEquals(0, second.stats().value("system.strategy.os-touches-denied"));
    }
    assertTrue(copies > 0, "journaled secure pages went home by block copy");
    assertTrue(!durable.isEmpty());
    assertEquals(List.of(), wrong);
  }
}
