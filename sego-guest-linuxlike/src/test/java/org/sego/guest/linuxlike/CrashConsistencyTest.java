package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;
import org.sego.api.storage.IoRecord;
import org.sego.core.SegoSystem;
import org.sego.core.run.CrashImages;
import org.sego.core.run.SystemRun;
import org.sego.guest.linuxlike.fs.Fsck;

/**
 * The file system survives a guest crash after every acknowledged block write of a small program,
 * and a power failure that keeps each write up to the last completed flush (plus FUA writes), in
 * both journal modes: built from the volume's I/O log without re-running anything. After mount
 * (with journal replay) fsck is clean and the files are exactly those of the last fsync that
 * returned, or of the next one if its commit record reached the device.
 */
class CrashConsistencyTest {
  private static final long DISK_BLOCKS = 2048;

  @TempDir
  Path dir;

  static byte[] content(int file, int version, int blocks) {
    byte[] b = new byte[blocks * 4096];
    new SplittableRandom(file * 131L + version).nextBytes(b);
    return b;
  }

  /** The program: each step changes the tree and fsyncs; returns the tree after each fsync. */
  static List<Map<String, byte[]>> script(UserContext u, Syscalls s) {
    long buf = s.mmap(0, 1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    Map<String, byte[]> tree = new TreeMap<>();
    List<Map<String, byte[]>> snapshots = new ArrayList<>();
    int a = s.open("/a", Fcntl.O_RDWR | Fcntl.O_CREAT);
    append(u, s, a, buf, tree, "/a", content(1, 0, 3));
    s.fsync(a);
    snapshots.add(new TreeMap<>(tree));
    s.mkdir("/d");
    tree.put("/d/", new byte[0]);
    int b = s.open("/d/b", Fcntl.O_RDWR | Fcntl.O_CREAT);
    append(u, s, b, buf, tree, "/d/b", content(2, 0, 14));
    s.fsync(b);
    snapshots.add(new TreeMap<>(tree));
    s.rename("/d/b", "/c");
    tree.put("/c", tree.remove("/d/b"));
    append(u, s, a, buf, tree, "/a", content(1, 1, 2));
    s.fsync(a);
    snapshots.add(new TreeMap<>(tree));
    s.close(a);
    s.close(b);
    s.unlink("/a");
    tree.remove("/a");
    int c = s.open("/c", Fcntl.O_RDWR);
    s.fsync(c);
    snapshots.add(new TreeMap<>(tree));
    return snapshots;
  }

  static void append(UserContext u, Syscalls s, int fd, long buf, Map<String, byte[]> tree, String name, byte[] more) {
    u.write(buf, more, 0, more.length);
    s.write(fd, buf, more.length);
    byte[] old = tree.getOrDefault(name, new byte[0]);
    byte[] all = Arrays.copyOf(old, old.length + more.length);
    System.arraycopy(more, 0, all, old.length, more.length);
    tree.put(name, all);
  }

  static SegoSystem.Builder system(String mode, Path base, boolean image) {
    Map<String, Object> disk = new HashMap<>(Map.of("size", (DISK_BLOCKS * 4) + " KiB"));
    if (image) {
      disk.put("image", "crash.img");
    }
    return SegoSystem.builder().memory("64 MiB").seed(2).baseDir(base).system("keep-io-data", true)
        .guest("linuxlike", Map.of("fs-device", "disk", "fs-journal", mode))
        .device("disk", "nvme", disk);
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"ordered", "journal"})
  void everyGuestCrashAndPowerFailureRecoversToAnFsyncedState(String mode) throws Exception {
    List<List<Map<String, byte[]>>> snaps = new ArrayList<>();
    List<IoRecord> log;
    try (SystemRun run = system(mode, dir, false).build().start()) {
      run.bootGuest();
      run.start(u -> snaps.add(script(u, u.syscalls())));
      run.run();
      log = run.ioLog("disk");
    }
    List<Map<String, byte[]>> snapshots = snaps.get(0);
    assertEquals(4, snapshots.size());
    long journalStart = -1;
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (int k = 0; k < log.size(); k++) {
      if (log.get(k).op() == IoRecord.Op.FLUSH) {
        continue;
      }
      for (boolean power : new boolean[] {false, true}) {
        Map<Long, byte[]> image = CrashImages.afterCrash(log, k, power);
        if (journalStart < 0 && image.containsKey(0L)) {
          journalStart = ByteBuffer.wrap(image.get(0L)).order(ByteOrder.LITTLE_ENDIAN).getInt(44);
        }
        long jsb = journalStart;
        long returned = 0;
        for (int i = 0; i <= k; i++) {
          IoRecord r = log.get(i);
          if (r.op() == IoRecord.Op.WRITE_FUA && r.block() == jsb) {
            returned++;
          }
        }
        String where = mode + (power ? " power failure" : " guest crash") + " after log record " + k + " ("
            + returned + " fsyncs returned)";
        checkRecovery(image, snapshots, (int) returned, where, failures);
        checked++;
      }
    }
    assertEquals(List.of(), failures);
    assertTrue(checked > 40, "crash states checked: " + checked);
  }

  private void checkRecovery(Map<Long, byte[]> image, List<Map<String, byte[]>> snapshots, int returned, String where,
      List<String> failures) {
    CrashImages.writeImage(dir.resolve("crash.img"), 4096, DISK_BLOCKS, image);
    List<Map<String, byte[]>> allowed = new ArrayList<>();
    allowed.add(returned == 0 ? Map.of() : snapshots.get(returned - 1));
    if (returned < snapshots.size()) {
      allowed.add(snapshots.get(returned));
    }
    try (SystemRun run = system("ordered", dir, true).build().start()) {
      LinuxKernel k = (LinuxKernel) run.bootGuest();
      run.start(u -> {
        Syscalls s = u.syscalls();
        long buf = s.mmap(0, 1 << 17, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        s.stat("/", buf);
        for (String p : Fsck.check(k.files.mounted())) {
          failures.add(where + ": fsck: " + p);
        }
        Map<String, byte[]> found = new TreeMap<>();
        for (String name : new String[] {"/a", "/c", "/d/b"}) {
          int fd = s.open(name, Fcntl.O_RDONLY);
          if (fd < 0) {
            continue;
          }
          long n = s.read(fd, buf, 1 << 17);
          byte[] b = new byte[(int) Math.max(0, n)];
          u.read(buf, b, 0, b.length);
          found.put(name, b);
          s.close(fd);
        }
        if (s.open("/d", Fcntl.O_RDONLY) >= 0) {
          found.put("/d/", new byte[0]);
        }
        boolean matches = allowed.stream().anyMatch(a -> sameTree(a, found));
        if (!matches) {
          failures.add(where + ": recovered " + found.keySet() + " sizes " + sizes(found) + ", allowed "
              + allowed.stream().map(a -> a.keySet() + " " + sizes(a)).toList());
        }
      });
      run.run();
    }
  }

  static boolean sameTree(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    return a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
  }

  static Map<String, Integer> sizes(Map<String, byte[]> t) {
    Map<String, Integer> m = new TreeMap<>();
    t.forEach((k, v) -> m.put(k, v.length));
    return m;
  }
}
