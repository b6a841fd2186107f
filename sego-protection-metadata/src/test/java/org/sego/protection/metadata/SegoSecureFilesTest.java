package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.KernelHooks;
import org.sego.api.hap.HapProgram;
import org.sego.api.hap.SecureFiles;
import org.sego.api.posix.Fcntl;
import org.sego.api.storage.PowerFailure;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.AdversaryLog;
import org.sego.core.run.SystemRun;
import org.sego.support.SeededCases;

/**
 * Secure files under {@code sego}: what a deleted file left on disk stays unreadable to the OS
 * (secure delete, and its off-switch), batched write-backs share one exit, a file shrinks only under
 * the relaxed rules, and a file unlinked while held open lives until its last close. Crashes and
 * recovery: {@link SegoSecureFileRecoveryTest}, which shares this class's helpers.
 */
class SegoSecureFilesTest {
  static final long MAGIC = 0x5EC0_DE00_0000_0000L;
  static final int PAGES = 4;

  static SegoSystem system(Map<String, ?> strategy) {
    return SegoSystem.builder(PluginRegistry.discover()).memory("128 MiB").seed(5).strategy("sego", strategy)
        .device("disk", "nvme", Map.of("size", "64 MiB"))
        .device("hvstore", "sata-ssd", Map.of("size", "16 MiB", "access", "hypervisor"))
        .guest("linuxlike", Map.of("fs-device", "disk")).build();
  }

  /** Writes {@code name} with words {@code MAGIC | tag << 32 | i}, fsyncs it; true if every step succeeded. */
  /** Each time HAP {@code pid} of {@code run} calls getpid (the point a test picked), {@code look} runs with the adversary's powers. */
  static void atGetpid(SystemRun run, int pid, java.util.function.Consumer<AdversaryOps> look) {
    AdversaryLog log = new AdversaryLog();
    AdversaryOps ops = run.adversary(log, pid);
    run.installHooks(new KernelHooks() {
      @Override
      public void syscallEntry(int p, String syscall) {
        if (p == pid && syscall.equals("getpid")) {
          look.accept(ops);
        }
      }
    }, log);
  }

  static boolean writeFile(SecureFiles fs, org.sego.api.hap.TrustedRuntime t, long buf, String name, long tag) {
    writePages(t, buf, tag);
    int sfd = fs.open(name, Fcntl.O_CREAT);
    boolean ok = sfd >= 0 && fs.write(sfd, buf, 4096L * PAGES) == 4096L * PAGES && fs.fsync(sfd) == 0;
    fs.close(sfd);
    return ok;
  }

  /** Whether {@code name} reads back as {@link #writeFile} wrote it with {@code tag}. */
  static boolean readsBack(SecureFiles fs, org.sego.api.hap.TrustedRuntime t, long buf, String name, long tag) {
    int sfd = fs.open(name, 0);
    if (sfd < 0 || fs.length(sfd) != 4096L * PAGES || fs.read(sfd, buf, 4096L * PAGES) != 4096L * PAGES) {
      return false;
    }
    fs.close(sfd);
    byte[] all = new byte[4096 * PAGES];
    t.user().read(buf, all, 0, all.length);
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 512 * PAGES; i++) {
      if (b.getLong(8 * i) != (MAGIC | tag << 32 | i)) {
        return false;
      }
    }
    return true;
  }

  /** The adversary reads the disk's first 4096 blocks: {@code found[0]} counts those holding {@code /gone}'s words (tag 7), {@code found[1]} those refused. */
  static void scanDisk(AdversaryOps ops, long[] found) {
    scanDisk(ops, found, 7);
  }

  /** As {@link #scanDisk(AdversaryOps, long[])}, for the words of a file written with {@code tag}. */
  static void scanDisk(AdversaryOps ops, long[] found, long tag) {
    for (long block = 0; block < 4096; block++) {
      byte[] b = ops.readBlock("disk", block);
      if (b == null) {
        found[1]++;
      } else if ((ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0) & 0xFFFF_FFFF_0000_0000L) == (MAGIC | tag << 32)) {
        found[0]++;
      }
    }
  }

  /** After the HAP unlinked its file, the adversary scans the disk for the file's words. */
  static long[] scanAfterDelete(boolean secureDelete) {
    try (SystemRun run = system(Map.of("secure-delete", secureDelete)).start()) {
      run.bootGuest();
      HapProgram hap = t -> {
        long buf = t.allocateSecure(4096L * PAGES);
        writeFile(t.files(), t, buf, "/gone", 7);
        t.files().commit();
        t.files().unlink("/gone");
        t.syscalls().getpid(); // the adversary looks now
      };
      int pid = run.startHap(hap, (p, l, v) -> {});
      long[] found = {0, 0};
      atGetpid(run, pid, ops -> scanDisk(ops, found));
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
      return found;
    }
  }

  @Test
  void aDeletedFilesBlocksStayUnreadableUnlessSecureDeleteIsOff() {
    long[] on = scanAfterDelete(true);
    assertEquals(0, on[0], "no block of the deleted file is readable");
    assertTrue(on[1] >= PAGES, "its blocks are refused to the OS: " + on[1]);
    long[] off = scanAfterDelete(false);
    assertEquals(PAGES, off[0], "with secure-delete off the OS reads what the deleted file left");
  }

  /** Fills {@link #PAGES} pages at {@code buf} with words {@code MAGIC | tag << 32 | i}. */
  static void writePages(org.sego.api.hap.TrustedRuntime t, long buf, long tag) {
    byte[] page = new byte[4096];
    ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    for (int p = 0; p < PAGES; p++) {
      for (int i = 0; i < 512; i++) {
        b.putLong(8 * i, MAGIC | tag << 32 | (p * 512L + i));
      }
      t.user().write(buf + 4096L * p, page, 0, page.length);
    }
  }

  /** Writes and fsyncs a file of {@code pages} pages ({@code batch-hypercalls} as given): {batched, hypercalls, pages logged, reads back}. */
  static long[] writeOnce(boolean batch, int pages) {
    try (SystemRun run = system(Map.of("batch-hypercalls", batch, "sfile-sync", "fsync")).start()) {
      run.bootGuest();
      boolean[] ok = {false};
      run.startHap(t -> {
        long buf = t.allocateSecure(4096L * PAGES);
        ok[0] = writeFile(t.files(), t, buf, "/b", 9) && readsBack(t.files(), t, buf, "/b", 9);
      }, (p, l, v) -> {});
      run.run();
      assertEquals(List.of(), run.violations());
      return new long[] {run.stats().value("system.hv.hypercalls-batched"), run.stats().value("system.hv.hypercalls"),
          run.stats().value("system.strategy.write-ahead-pages"), ok[0] ? 1 : 0};
    }
  }

  @Test
  void batchedWriteBacksShareOneExit() {
    long[] batched = writeOnce(true, PAGES);
    long[] single = writeOnce(false, PAGES);
    assertEquals(1, batched[3], "reads back batched");
    assertEquals(1, single[3], "reads back one by one");
    assertTrue(batched[0] >= PAGES, "the file's write-backs went in a batch: " + batched[0]);
    assertEquals(0, single[0], "batch-hypercalls = false: none batched");
    assertEquals(PAGES, batched[2], "every page logged ahead of its write");
    assertEquals(PAGES, single[2]);
    assertEquals(single[1] - (PAGES - 1), batched[1], "one exit for the file's " + PAGES + " write-backs");
  }

  /** Writes {@code /x} (tag 5), shrinks it to 4196 bytes, grows it back: {shrink's answer, length after, tail all zero, page 0 intact}. */
  static long[] shrinkAndGrow(String rules) {
    try (SystemRun run = system(Map.of("sfile-rules", rules)).start()) {
      run.bootGuest();
      long[] out = new long[4];
      run.startHap(t -> {
        long buf = t.allocateSecure(4096L * PAGES);
        writePages(t, buf, 5);
        int sfd = t.files().open("/x", Fcntl.O_CREAT);
        t.files().write(sfd, buf, 4096L * PAGES);
        out[0] = t.files().truncate(sfd, 4196);
        out[1] = t.files().length(sfd);
        t.files().truncate(sfd, 4096L * PAGES);
        t.files().close(sfd);
        sfd = t.files().open("/x", 0);
        t.files().read(sfd, buf, 4096L * PAGES);
        byte[] all = new byte[4096 * PAGES];
        t.user().read(buf, all, 0, all.length);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        out[2] = 1;
        for (int k = 4196; k < all.length; k++) {
          out[2] &= all[k] == 0 ? 1 : 0;
        }
        out[3] = b.getLong(8) == (MAGIC | 5L << 32 | 1) ? 1 : 0;
        t.files().close(sfd);
      }, (p, l, v) -> {});
      run.run();
      assertEquals(List.of(), run.violations());
      return out;
    }
  }

  /** A file system on an NVMe disk, the hypervisor's store on a SATA SSD of its own. */
  private static SegoSystem nvmeWithStore(String strategy) {
    return SegoSystem.builder(PluginRegistry.discover()).memory("128 MiB").seed(5).strategy(strategy, Map.of())
        .device("disk", "nvme", Map.of("size", "64 MiB"))
        .device("hvstore", "sata-ssd", Map.of("size", "16 MiB", "access", "hypervisor"))
        .guest("linuxlike", Map.of("fs-device", "disk")).build();
  }

  /**
   * A secure file unlinked while the HAP holds it open lives until its last close, as POSIX says:
   * read back through the descriptor (and through a mapping of it) it is whole, the name is gone at
   * once and may be bound again, and no check raises an alarm. Under {@code none} too.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"none", "sego"})
  void anUnlinkedFileLivesUntilItsLastClose(String strategy) {
    try (SystemRun run = nvmeWithStore(strategy).start()) {
      run.bootGuest();
      long[] out = new long[6];
      run.startHap(t -> {
        SecureFiles fs = t.files();
        long buf = t.allocateSecure(4096L * PAGES);
        out[0] = writeFile(fs, t, buf, "/tmp1", 3) ? 1 : 0;
        int sfd = fs.open("/tmp1", 0);
        int second = fs.open("/tmp1", 0);
        out[1] = fs.unlink("/tmp1");
        out[2] = fs.open("/tmp1", 0); // the name is gone
        fs.close(second); // not the last close
        t.user().write(buf, new byte[4096 * PAGES], 0, 4096 * PAGES);
        boolean whole = fs.read(sfd, buf, 4096L * PAGES) == 4096L * PAGES;
        long mapped = fs.mmap(sfd);
        for (int i = 0; i < 512 * PAGES; i++) {
          whole &= t.user().load64(buf + 8L * i) == (MAGIC | 3L << 32 | i);
          whole &= mapped < 0 || t.user().load64(mapped + 8L * i) == (MAGIC | 3L << 32 | i);
        }
        out[3] = whole ? 1 : 0;
        fs.close(sfd);
        out[4] = writeFile(fs, t, buf, "/tmp1", 4) && readsBack(fs, t, buf, "/tmp1", 4) ? 1 : 0; // bound again
        // A rename over a file held open: the replaced file, too, lives until its last close.
        boolean renamed = writeFile(fs, t, buf, "/old", 5) && writeFile(fs, t, buf, "/new", 6);
        int old = fs.open("/old", 0);
        renamed &= fs.rename("/new", "/old") == 0 && readsBack(fs, t, buf, "/old", 6);
        t.user().write(buf, new byte[4096 * PAGES], 0, 4096 * PAGES);
        renamed &= fs.read(old, buf, 4096L * PAGES) == 4096L * PAGES;
        for (int i = 0; i < 512 * PAGES; i++) {
          renamed &= t.user().load64(buf + 8L * i) == (MAGIC | 5L << 32 | i);
        }
        fs.close(old);
        out[5] = renamed && readsBack(fs, t, buf, "/old", 6) ? 1 : 0;
      }, (p, l, v) -> {});
      run.run();
      assertEquals(List.of(), run.violations());
      assertEquals(1, out[0], "written");
      assertEquals(0, out[1], "unlinked");
      assertEquals(-org.sego.api.posix.Errno.ENOENT, out[2], "the name is gone at once");
      assertEquals(1, out[3], "read through the open descriptor and its mapping after the unlink, the file is whole");
      assertEquals(1, out[4], "a new file binds the name again and reads back");
      assertEquals(1, out[5], "a file replaced by a rename while held open reads back through its descriptor");
    }
  }

  /**
   * Two HAPs open one secure file; the first, no longer holding it, unlinks it while the second
   * still has it open: the second reads it whole through its descriptor (POSIX: the file lives
   * until its last close anywhere), and afterwards the name binds a new file. Under {@code none} too.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"none", "sego"})
  void aFileUnlinkedByOneHapLivesWhileAnotherHoldsItOpen(String strategy) {
    try (SystemRun run = nvmeWithStore(strategy).start()) {
      run.bootGuest();
      long[] out = new long[4];
      java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
      run.startHap(t -> { // the first HAP: writes the file, closes it, and unlinks it once the second has it open
        long buf = t.allocateSecure(4096L * PAGES);
        out[0] = writeFile(t.files(), t, buf, "/shared", 7) ? 1 : 0;
        phase.set(1);
        while (phase.get() < 2) {
          t.syscalls().yield();
        }
        out[1] = t.files().unlink("/shared");
        phase.set(3);
      }, (p, l, v) -> {});
      run.startHap(t -> { // the second: opens it, waits for the unlink, reads it through its descriptor
        long buf = t.allocateSecure(4096L * PAGES);
        while (phase.get() < 1) {
          t.syscalls().yield();
        }
        SecureFiles fs = t.files();
        int sfd = fs.open("/shared", 0);
        phase.set(2);
        while (phase.get() < 3) {
          t.syscalls().yield();
        }
        boolean whole = sfd >= 0 && fs.read(sfd, buf, 4096L * PAGES) == 4096L * PAGES;
        for (int i = 0; whole && i < 512 * PAGES; i++) {
          whole = t.user().load64(buf + 8L * i) == (MAGIC | 7L << 32 | i);
        }
        out[2] = whole ? 1 : 0;
        fs.close(sfd);
        out[3] = writeFile(fs, t, buf, "/shared", 8) && readsBack(fs, t, buf, "/shared", 8) ? 1 : 0;
      }, (p, l, v) -> {});
      run.run();
      assertEquals(List.of(), run.violations());
      assertEquals(1, out[0], "written");
      assertEquals(0, out[1], "unlinked by the first HAP");
      assertEquals(1, out[2], "the second HAP, holding the file open, reads it whole after the unlink");
      assertEquals(1, out[3], "after its last close the name binds a new file");
    }
  }

  @Test
  void aSecureFileShrinksOnlyUnderTheRelaxedRules() {
    long[] strict = shrinkAndGrow("strict");
    assertEquals(-org.sego.api.posix.Errno.EINVAL, strict[0], "strict: a shrink is refused with EINVAL");
    assertEquals(4096L * PAGES, strict[1]);
    long[] relaxed = shrinkAndGrow("relaxed");
    assertEquals(0, relaxed[0], "relaxed: the shrink is done");
    assertEquals(4196, relaxed[1]);
    assertEquals(1, relaxed[2], "what lay past the end reads as zeros once the file grows again");
    assertEquals(1, relaxed[3], "the kept page is intact, and reopening agrees with the hypervisor's length");
  }
}
