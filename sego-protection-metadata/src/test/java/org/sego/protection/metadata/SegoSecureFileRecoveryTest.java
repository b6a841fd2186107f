package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sego.protection.metadata.SegoSecureFilesTest.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.hap.HapProgram;
import org.sego.api.hap.SecureFiles;
import org.sego.api.posix.Fcntl;
import org.sego.api.storage.PowerFailure;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.SystemRun;
import org.sego.support.SeededCases;

/**
 * Secure files under {@code sego} across crashes: after a power failure at seeded points the
 * strategy recovers its metadata from the store (in its own volume or a region of the data device),
 * the HAP reopens its files and reads back every one whose fsync returned, a torn write never comes
 * back mixed under the write-ahead protocol, deleted files (held open or not) leave nothing readable,
 * and no check raises an alarm; after a guest crash the hypervisor keeps its view.
 */
class SegoSecureFileRecoveryTest {
  static LongStream seeds() {
    return SeededCases.seeds(91, 6);
  }

  /**
   * Writes files in rounds (each fsynced and committed), crashes by power failure at a seeded
   * time, reboots, and reads back every file whose fsync had returned.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void afterAPowerFailureEveryFileWhoseFsyncReturnedReadsBackWhole(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Integer> durable = new ArrayList<>();
    SystemRun first = system(Map.of()).start();
    first.bootGuest();
    int pid = first.startHap(t -> {
      long buf = t.allocateSecure(4096L * PAGES);
      for (int k = 0; k < 40; k++) {
        if (writeFile(t.files(), t, buf, "/f" + k, k) && t.files().commit() == 0) {
          durable.add(k);
        }
      }
    }, (p, l, v) -> {});
    assertTrue(first.runUntil(2_000_000 + r.nextLong(40_000_000)), "the crash came before the HAP was done");
    first.crash(true, PowerFailure.random(new SplittableRandom(seed + 1)));
    List<Integer> before = List.copyOf(durable);
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      List<Integer> bad = new ArrayList<>();
      int pid2 = second.startHap(t -> {
        long buf = t.allocateSecure(4096L * PAGES);
        for (int k : before) {
          if (!readsBack(t.files(), t, buf, "/f" + k, k)) {
            bad.add(k);
          }
        }
      }, (p, l, v) -> {});
      second.run();
      assertEquals(List.of(), second.violations(), "recovery raises no alarm");
      assertEquals(0, second.exitStatuses().get(pid2));
      assertEquals(List.of(), bad, "files whose fsync returned before the crash (" + before.size() + ")");
    }
    assertTrue(pid > 0);
  }

  /** Writes {@code /w} (no fsync, no commit), loses power; true if it reads back whole after the reboot. */
  static boolean survivesWithoutFsync(String sfileSync) {
    // (In place: under write-ahead, a write-back the flusher started before the crash is in the log, so it may survive.)
    SystemRun first = system(Map.of("sfile-sync", sfileSync, "write-protocol", "in-place")).start();
    first.bootGuest();
    first.startHap(t -> {
      long buf = t.allocateSecure(4096L * PAGES);
      byte[] page = new byte[4096];
      ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
      for (int p = 0; p < PAGES; p++) {
        for (int i = 0; i < 512; i++) {
          b.putLong(8 * i, MAGIC | 3L << 32 | (p * 512L + i));
        }
        t.user().write(buf + 4096L * p, page, 0, page.length);
      }
      int sfd = t.files().open("/w", Fcntl.O_CREAT);
      t.files().write(sfd, buf, 4096L * PAGES);
      t.syscalls().getpid(); // (no commit: the name is durable only if a sync made it so)
    }, (p, l, v) -> {});
    first.run();
    first.crash(true, PowerFailure.loseAll());
    boolean[] ok = {false};
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      second.startHap(t -> ok[0] = readsBack(t.files(), t, t.allocateSecure(4096L * PAGES), "/w", 3), (p, l, v) -> {});
      second.run();
      assertEquals(List.of(), second.violations());
    }
    return ok[0];
  }

  @Test
  void withSfileSyncWriteEachWriteIsDurableBeforeItReturns() {
    assertTrue(survivesWithoutFsync("write"), "sfile-sync = write: the write was synced and confirmed");
    assertTrue(!survivesWithoutFsync("fsync"), "sfile-sync = fsync: the unsynced write is lost, and no check cries wolf");
  }

  @Test
  void afterAGuestCrashTheHypervisorKeepsItsViewAndTheHapReadsItsFilesBack() {
    SystemRun first = system(Map.of()).start();
    first.bootGuest();
    first.startHap(t -> {
      long buf = t.allocateSecure(4096L * PAGES);
      for (int k = 0; k < 3; k++) {
        assertTrue(writeFile(t.files(), t, buf, "/g" + k, 10 + k));
      }
      t.files().commit();
      t.syscalls().getpid();
    }, (p, l, v) -> {});
    first.run();
    first.crash(false, PowerFailure.keepAll());
    List<Integer> bad = new ArrayList<>();
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.startHap(t -> {
        long buf = t.allocateSecure(4096L * PAGES);
        for (int k = 0; k < 3; k++) {
          if (!readsBack(t.files(), t, buf, "/g" + k, 10 + k)) {
            bad.add(k);
          }
        }
      }, (p, l, v) -> {});
      second.run();
      assertEquals(List.of(), second.violations());
      assertEquals(0, second.exitStatuses().get(pid));
    }
    assertEquals(List.of(), bad, "every file reads back on the new guest, checked against the kept tags");
  }

  /** Tears every write the crash finds unflushed: only its even atomic units reach the medium. */
  static final PowerFailure TEAR = (w, units) -> 0x5555_5555_5555_5555L & PowerFailure.all(units);

  /**
   * The HAP overwrites /t (held open), unlinks it and the power fails while the flusher's write-backs
   * of it (logged first, write-ahead) may have landed: on the next boot the adversary finds none of
   * the new bytes on the disk, and no alarm is raised.
   */
  @Test
  void aHeldFileLoggedBeforeItsDeletionLeavesNothingReadableAfterAPowerFailure() {
    SystemRun first = overwriteAndRun(Map.of("sfile-sync", "fsync"), 9, true);
    first.crash(true, PowerFailure.keepAll());
    long[] found = {0, 0};
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.startHap(t -> t.syscalls().getpid(), (p, l, v) -> {});
      atGetpid(second, pid, ops -> scanDisk(ops, found, 9));
      second.run();
      assertEquals(List.of(), second.violations(), "recovery raises no alarm");
    }
    assertEquals(0, found[0], "none of the deleted file's new bytes is readable by the OS");
  }

  /**
   * Boots, writes {@code /t} with tag 1 (fsynced, committed), overwrites it with {@code tag}
   * without an fsync (then, with {@code unlink}, unlinks it while holding it open and commits), and
   * runs 40 ms while the flusher writes it back; the run, for the caller to crash.
   */
  static SystemRun overwriteAndRun(Map<String, ?> strategy, long tag, boolean unlink) {
    SystemRun first = system(strategy).start();
    first.bootGuest();
    first.startHap(t -> {
      long buf = t.allocateSecure(4096L * PAGES);
      assertTrue(writeFile(t.files(), t, buf, "/t", 1));
      assertEquals(0, t.files().commit());
      writePages(t, buf, tag);
      int sfd = t.files().open("/t", 0);
      assertEquals(4096L * PAGES, t.files().write(sfd, buf, 4096L * PAGES));
      if (unlink) {
        assertEquals(0, t.files().unlink("/t"));
        assertEquals(0, t.files().commit());
      }
      for (int k = 0; k < 1_000_000; k++) {
        t.syscalls().getpid(); // the flusher writes /t back meanwhile; the power fails before anything flushes it
      }
    }, (p, l, v) -> {});
    assertTrue(first.runUntil(40_000_000), "the crash came before the HAP was done");
    return first;
  }

  /**
   * Writes {@code /t} with tag 1 and fsyncs it, overwrites it with tag 2 (no fsync) and lets the
   * flusher write it back, loses power tearing every unflushed write, reboots: the tags of each page
   * it reads back (0 for a page that is neither whole).
   */
  static List<Long> pagesAfterATornOverwrite(String protocol) {
    SystemRun first = overwriteAndRun(Map.of("write-protocol", protocol, "sfile-sync", "fsync"), 2, false);
    first.crash(true, TEAR);
    List<Long> tags = new ArrayList<>();
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      second.startHap(t -> {
        long buf = t.allocateSecure(4096L * PAGES);
        int sfd = t.files().open("/t", 0);
        assertEquals(4096L * PAGES, t.files().read(sfd, buf, 4096L * PAGES));
        byte[] all = new byte[4096 * PAGES];
        t.user().read(buf, all, 0, all.length);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < PAGES; p++) {
          long tag = (b.getLong(4096 * p) >>> 32) & 0xFF;
          for (int i = 0; i < 512; i++) {
            if (b.getLong(4096 * p + 8 * i) != (MAGIC | tag << 32 | (p * 512L + i))) {
              tag = 0;
            }
          }
          tags.add(tag);
        }
      }, (p, l, v) -> {});
      second.run();
      assertEquals(List.of(), second.violations(), "recovery raises no alarm");
    }
    return tags;
  }

  @Test
  void withTheWriteAheadProtocolATornWriteNeverComesBackAsAMixedPage() {
    List<Long> inPlace = pagesAfterATornOverwrite("in-place");
    List<Long> writeAhead = pagesAfterATornOverwrite("write-ahead");
    assertTrue(inPlace.contains(0L), "in place, the torn write comes back mixed under the older tag: " + inPlace);
    assertEquals(List.of(2L, 2L, 2L, 2L), writeAhead, "write-ahead: every page as logged before its in-place write");
  }

  /** The metadata store in a hypervisor region at the end of the data device (no device of its own). */
  static SegoSystem regionSystem() {
    return SegoSystem.builder(PluginRegistry.discover()).memory("128 MiB").seed(5).strategy("sego", Map.of())
        .device("disk", "nvme", Map.of("size", "64 MiB", "hypervisor-region", "16 MiB"))
        .guest("linuxlike", Map.of("fs-device", "disk")).build();
  }

  @Test
  void theStoreInARegionOfTheDataDeviceSharesItAndSurvivesAPowerFailure() {
    SystemRun first = regionSystem().start();
    first.bootGuest();
    long[] beyond = {0, 0};
    int pid = first.startHap(t -> {
      long buf = t.allocateSecure(4096L * PAGES);
      assertTrue(writeFile(t.files(), t, buf, "/r", 4));
      assertEquals(0, t.files().commit());
      t.syscalls().getpid();
    }, (p, l, v) -> {});
    atGetpid(first, pid, ops -> {
      try {
        ops.readBlock("disk", 12_288); // the region's first block (48 MiB in)
      } catch (IllegalArgumentException e) {
        beyond[0] = e.getMessage().contains("0..12287") ? 1 : 0;
      }
      beyond[1] = ops.readBlock("disk", 12_287) == null ? 0 : 1; // the guest's last block
    });
    first.run();
    assertEquals(1, beyond[0], "the guest's device ends where the region begins");
    assertEquals(1, beyond[1]);
    assertTrue(first.stats().value("system.devices.disk-hv.writes") > 0, "the store writes to the region");
    first.crash(true, PowerFailure.random(new SplittableRandom(3)));
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      boolean[] ok = {false};
      second.startHap(t -> ok[0] = readsBack(t.files(), t, t.allocateSecure(4096L * PAGES), "/r", 4), (p, l, v) -> {});
      second.run();
      assertEquals(List.of(), second.violations(), "recovered from the region: no alarm");
      assertTrue(ok[0], "the fsynced file reads back after the power failure");
    }
  }

  /**
   * The HAP writes {@code /gone}, deletes it (durably), power fails; on the next boot the adversary
   * scans the disk for the file's words, then a new file is written over the freed blocks:
   * {words found, blocks refused, the new file reads back}.
   */
  static long[] scanAfterDeleteAndPowerFailure(boolean secureDelete) {
    return scanAfterDeleteAndPowerFailure(secureDelete, false);
  }

  /**
   * As {@link #scanAfterDeleteAndPowerFailure(boolean)}; with {@code heldOpen} the HAP holds /gone
   * open when it unlinks it and the power fails before its last close.
   */
  static long[] scanAfterDeleteAndPowerFailure(boolean secureDelete, boolean heldOpen) {
    SystemRun first = system(Map.of("secure-delete", secureDelete)).start();
    first.bootGuest();
    boolean[] done = {false};
    first.startHap(t -> {
      long buf = t.allocateSecure(4096L * PAGES);
      assertTrue(writeFile(t.files(), t, buf, "/gone", 7));
      assertEquals(0, t.files().commit());
      int held = heldOpen ? t.files().open("/gone", 0) : -1;
      assertEquals(0, t.files().unlink("/gone"));
      assertEquals(0, t.files().commit());
      assertTrue(writeFile(t.files(), t, buf, "/keep", 8)); // (its confirm-durable syncs the deletion's records too)
      done[0] = true;
      while (held >= 0 && t.syscalls().clockNanos() < 10_000_000_000L) {
        t.user().compute(100_000); // /gone stays open until the power fails (a system call: the kernel's entry stops the run)
      }
    }, (p, l, v) -> {});
    if (heldOpen) {
      first.runUntil(3_000_000_000L);
    } else {
      first.run();
    }
    assertTrue(done[0], "the HAP wrote /keep before the power failed");
    first.crash(true, PowerFailure.keepAll());
    long[] found = {0, 0, 0, 0};
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.startHap(t -> {
        t.syscalls().getpid(); // the adversary looks now
        long buf = t.allocateSecure(4096L * PAGES);
        for (int k = 0; k < 8; k++) {
          assertTrue(writeFile(t.files(), t, buf, "/new" + k, 20 + k));
        }
        found[2] = readsBack(t.files(), t, buf, "/new7", 27) && readsBack(t.files(), t, buf, "/keep", 8) ? 1 : 0;
      }, (p, l, v) -> {});
      atGetpid(second, pid, ops -> {
        scanDisk(ops, found);
        if (heldOpen) {
          for (long block = 0; block < 4096; block++) { // found[3]: blocks the OS may neither read nor overwrite (live)
            if (ops.readBlock("disk", block) == null && !ops.writeBlock("disk", block, new byte[4096])) {
              found[3]++;
            }
          }
        }
      });
      second.run();
      assertEquals(List.of(), second.violations(), "no alarm on the new boot, blocks reused included");
      assertEquals(0, second.exitStatuses().get(pid));
    }
    return found;
  }

  @Test
  void aDeletedFilesBlocksStayUnreadableAfterAPowerFailure() {
    long[] on = scanAfterDeleteAndPowerFailure(true);
    assertEquals(0, on[0], "nothing the deleted file left is readable on the next boot");
    assertTrue(on[1] >= 2L * PAGES, "its blocks (and /keep's) are refused: " + on[1]);
    assertEquals(1, on[2], "new files reuse the blocks and read back");
    long[] off = scanAfterDeleteAndPowerFailure(false);
    assertEquals(PAGES, off[0], "with secure-delete off the OS reads what the deleted file left");
  }

  @Test
  void aFileUnlinkedWhileHeldOpenIsDeletedWhenThePowerFailsBeforeItsLastClose() {
    long[] on = scanAfterDeleteAndPowerFailure(true, true);
    assertEquals(0, on[0], "nothing the file left is readable on the next boot");
    assertEquals(PAGES, on[3], "only /keep's pages stay live: the held file's blocks are stale, so the OS may reuse them");
    assertEquals(1, on[2], "new files reuse the blocks and read back, no alarm");
  }
}
