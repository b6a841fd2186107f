package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.core.run.SystemRun;
import org.sego.guest.linuxlike.fs.Fsck;
import org.sego.support.SeededCases;

/**
 * Truncating and freeing a file walks only the maps it holds, whatever its nominal size, and the
 * walk is charged: seeded files with dense and sparse blocks up to the largest size, truncated in
 * both directions and unlinked, each step examining no more map entries than the file's maps hold.
 */
class TruncateWorkTest {
  private static final long BS = 4096;
  private static final long DIRECT = 12;
  private static final long PTRS = 1024;
  private static final long MAX_BLOCKS = DIRECT + PTRS + PTRS * PTRS;
  private static final String EXAMINED = "system.guest.fs.map-entries-examined";

  static LongStream seeds() {
    return SeededCases.seeds(0x7A0C_0001L, 40);
  }

  /** The most map entries freeing a file with blocks {@code blocks} may examine: its maps' slots. */
  static long bound(TreeSet<Long> blocks) {
    long n = DIRECT;
    if (!blocks.subSet(DIRECT, DIRECT + PTRS).isEmpty()) {
      n += PTRS;
    }
    TreeSet<Long> under = new TreeSet<>();
    for (long b : blocks.tailSet(DIRECT + PTRS)) {
      under.add((b - DIRECT - PTRS) / PTRS);
    }
    if (!under.isEmpty()) {
      n += PTRS + PTRS * under.size();
    }
    return n;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void truncatingAndFreeingWalkOnlyTheMapsTheFileHolds(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<String> failures = new ArrayList<>();
    try (SystemRun run = FileSystemTest.system(null, "32 MiB").build().start()) {
      LinuxKernel k = (LinuxKernel) run.bootGuest();
      int pid = run.start(u -> {
        var s = u.syscalls();
        long buf = s.mmap(0, 65536, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        for (int file = 0; file < 3; file++) {
          String path = "/f" + file;
          int fd = s.open(path, Fcntl.O_RDWR | Fcntl.O_CREAT);
          TreeSet<Long> blocks = new TreeSet<>();
          int dense = rnd.nextInt(40);
          for (long b = 0; b < dense; b++) {
            blocks.add(b);
          }
          for (int i = rnd.nextInt(6); i > 0; i--) {
            blocks.add(rnd.nextLong(MAX_BLOCKS)); // sparse, anywhere up to the largest file
          }
          for (long b : blocks) {
            if (s.pwrite(fd, buf, 8, b * BS) != 8) {
              failures.add(seed + ": pwrite of block " + b + " failed");
            }
          }
          // Grow sparsely (possibly to the largest size), then cut back to a random length.
          long grow = rnd.nextBoolean() ? MAX_BLOCKS * BS : (blocks.last() + 1 + rnd.nextLong(1 << 20)) * BS;
          check(failures, seed, "grow", 0, s.ftruncate(fd, Math.min(grow, MAX_BLOCKS * BS)));
          long cutBlocks = rnd.nextLong(blocks.last() + 2);
          long before = run.stats().value(EXAMINED);
          long t0 = s.clockNanos();
          check(failures, seed, "cut", 0, s.ftruncate(fd, cutBlocks * BS));
          long examined = run.stats().value(EXAMINED) - before;
          if (examined > bound(blocks)) {
            failures.add(seed + ": cutting to " + cutBlocks + " blocks examined " + examined + " > " + bound(blocks));
          }
          if (s.clockNanos() - t0 < examined * 2) {
            failures.add(seed + ": the walk of " + examined + " entries was not charged");
          }
          blocks.removeIf(b -> b >= cutBlocks);
          s.close(fd);
          before = run.stats().value(EXAMINED);
          check(failures, seed, "unlink", 0, s.unlink(path));
          examined = run.stats().value(EXAMINED) - before;
          if (examined > bound(blocks)) {
            failures.add(seed + ": freeing examined " + examined + " > " + bound(blocks));
          }
        }
        for (String p : Fsck.check(k.files.mounted())) {
          failures.add(seed + ": fsck: " + p);
        }
      });
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
    }
    assertEquals(List.of(), failures);
  }

  private static void check(List<String> failures, long seed, String what, long expected, long actual) {
    if (expected != actual) {
      failures.add(seed + ": " + what + ": expected " + expected + ", got " + actual
          + (actual < 0 ? " (" + Errno.name(actual) + ")" : ""));
    }
  }
}
