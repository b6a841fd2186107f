package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;
import org.sego.guest.linuxlike.fs.Fsck;

/** The file system calls' semantics and errors; data survives dropping the cache and a clean reboot. */
class FileSystemTest {
  private static final int RW = Fcntl.O_RDWR;
  private static final int CREATE = Fcntl.O_RDWR | Fcntl.O_CREAT;

  @TempDir
  Path dir;

  static SegoSystem.Builder system(Path base, String size) {
    var b = SegoSystem.builder().memory("64 MiB").seed(5).guest("linuxlike", Map.of("fs-device", "disk"));
    Map<String, Object> disk = new java.util.HashMap<>(Map.of("size", size));
    if (base != null) {
      b.baseDir(base);
      disk.put("image", "disk.img");
    }
    return b.device("disk", "nvme", disk);
  }

  interface Body {
    void run(UserContext u, Syscalls s, long buf, List<String> failures);
  }

  /** Runs {@code body} in a process with a 64 KiB user buffer; returns the failures and fsck's findings. */
  static List<String> run(SegoSystem.Builder system, Body body) {
    List<String> failures = new ArrayList<>();
    try (SystemRun run = system.build().start()) {
      LinuxKernel k = (LinuxKernel) run.bootGuest();
      int pid = run.start(u -> {
        long buf = u.syscalls().mmap(0, 65536, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        body.run(u, u.syscalls(), buf, failures);
        if (k.files.mounted() != null) {
          for (String p : Fsck.check(k.files.mounted())) {
            failures.add("fsck: " + p);
          }
        }
      });
      run.run();
      if (run.exitStatuses().get(pid) != 0) {
        failures.add("exit status " + run.exitStatuses().get(pid));
      }
    }
    return failures;
  }

  static void expect(List<String> f, String what, long expected, long actual) {
    if (expected != actual) {
      f.add(what + ": expected " + expected + (expected < 0 ? " (" + Errno.name(expected) + ")" : "") + ", got " + actual
          + (actual < 0 ? " (" + Errno.name(actual) + ")" : ""));
    }
  }

  static void put(UserContext u, long buf, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    u.write(buf, b, 0, b.length);
  }

  static String get(UserContext u, long buf, int len) {
    byte[] b = new byte[len];
    u.read(buf, b, 0, len);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void createWriteSeekReadStatAndErrors() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      expect(f, "open missing", -Errno.ENOENT, s.open("/nope", RW));
      expect(f, "relative path", -Errno.EINVAL, s.open("nope", CREATE));
      expect(f, "bad access mode", -Errno.EINVAL, s.open("/a", Fcntl.O_CREAT | 3));
      int fd = s.open("/a", CREATE);
      expect(f, "first fd", 3, fd);
      expect(f, "exclusive create of an existing file", -Errno.EEXIST, s.open("/a", CREATE | Fcntl.O_EXCL));
      put(u, buf, "hello, file system");
      expect(f, "write", 18, s.write(fd, buf, 18));
      expect(f, "seek", 7, s.lseek(fd, 7, Fcntl.SEEK_SET));
      expect(f, "read", 11, s.read(fd, buf + 100, 100));
      if (!get(u, buf + 100, 11).equals("file system")) {
        f.add("read back '" + get(u, buf + 100, 11) + "'");
      }
      expect(f, "read at end", 0, s.read(fd, buf, 10));
      expect(f, "seek before start", -Errno.EINVAL, s.lseek(fd, -100, Fcntl.SEEK_CUR));
      expect(f, "bad whence", -Errno.EINVAL, s.lseek(fd, 0, 7));
      expect(f, "pwrite far away makes a hole", 5, s.pwrite(fd, buf, 5, 100_000));
      expect(f, "stat", 0, s.stat("/a", buf + 200));
      ByteBuffer st = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
      byte[] raw = new byte[32];
      u.read(buf + 200, raw, 0, 32);
      st.put(raw).flip();
      expect(f, "stat size", 100_005, st.getLong(8));
      expect(f, "stat mode", Fcntl.S_IFREG, st.getInt(16));
      expect(f, "stat links", 1, st.getInt(20));
      expect(f, "hole reads as zeros", 8, s.pread(fd, buf + 300, 8, 50_000));
      expect(f, "hole value", 0, u.load64(buf + 300));
      expect(f, "read into unmapped memory", -Errno.EFAULT, s.pread(fd, 0x10, 8, 0));
      expect(f, "close", 0, s.close(fd));
      expect(f, "close twice", -Errno.EBADF, s.close(fd));
      expect(f, "read a closed fd", -Errno.EBADF, s.read(fd, buf, 1));
      int cr = s.creat("/created");
      expect(f, "creat gives a write-only descriptor", -Errno.EBADF, s.read(cr, buf, 1));
      expect(f, "fdatasync", 0, s.fdatasync(cr));
      s.close(cr);
      int ro = s.open("/a", Fcntl.O_RDONLY);
      expect(f, "write to a read-only fd", -Errno.EBADF, s.write(ro, buf, 1));
      expect(f, "truncate a read-only fd", -Errno.EINVAL, s.ftruncate(ro, 0));
      s.close(ro);
      int t = s.open("/a", RW | Fcntl.O_TRUNC);
      expect(f, "truncated size", 0, s.lseek(t, 0, Fcntl.SEEK_END));
      s.close(t);
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void directoriesRenameAndUnlink() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      expect(f, "mkdir", 0, s.mkdir("/d"));
      expect(f, "mkdir again", -Errno.EEXIST, s.mkdir("/d"));
      expect(f, "mkdir under a missing directory", -Errno.ENOENT, s.mkdir("/x/y"));
      int fd = s.open("/d/f", CREATE);
      s.close(fd);
      expect(f, "a file is not a directory", -Errno.ENOTDIR, s.open("/d/f", Fcntl.O_RDONLY | Fcntl.O_DIRECTORY));
      expect(f, "path through a file", -Errno.ENOTDIR, s.open("/d/f/g", CREATE));
      expect(f, "write-open a directory", -Errno.EISDIR, s.open("/d", RW));
      expect(f, "rmdir a non-empty directory", -Errno.ENOTEMPTY, s.rmdir("/d"));
      expect(f, "rmdir a file", -Errno.ENOTDIR, s.rmdir("/d/f"));
      expect(f, "unlink a directory", -Errno.EISDIR, s.unlink("/d"));
      expect(f, "rmdir the root", -Errno.EBUSY, s.rmdir("/"));
      expect(f, "rename into itself", -Errno.EINVAL, s.rename("/d", "/d/sub"));
      expect(f, "rename", 0, s.rename("/d/f", "/g"));
      expect(f, "old name gone", -Errno.ENOENT, s.open("/d/f", RW));
      int dfd = s.open("/", Fcntl.O_RDONLY);
      long n = s.readdir(dfd, buf, 4096);
      List<String> names = new ArrayList<>();
      for (long off = 0; off < n; off += Fcntl.DIRENT_BYTES) {
        int len = (int) (u.load64(buf + off + 8) & 0xFFFF_FFFFL);
        names.add(get(u, buf + off + 16, len));
      }
      if (!names.equals(List.of("d", "g"))) {
        f.add("readdir / gave " + names);
      }
      expect(f, "readdir at the end", 0, s.readdir(dfd, buf, 4096));
      int gfd = s.open("/g", Fcntl.O_RDONLY);
      expect(f, "readdir of a file", -Errno.ENOTDIR, s.readdir(gfd, buf, 4096));
      expect(f, "rmdir", 0, s.rmdir("/d"));
      expect(f, "unlink", 0, s.unlink("/g"));
      expect(f, "unlink again", -Errno.ENOENT, s.unlink("/g"));
      expect(f, "an unlinked file stays readable while open", 0, s.read(gfd, buf, 10));
      expect(f, "its last close frees it", 0, s.close(gfd));
      expect(f, "too long a name", -Errno.ENAMETOOLONG, s.open("/" + "n".repeat(60), CREATE));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void aFullDeviceAnswersEnospc() {
    List<String> failures = run(system(null, "1 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/big", CREATE);
      long total = 0;
      long r;
      while ((r = s.write(fd, buf, 65536)) > 0) {
        total += r;
      }
      expect(f, "the last write", -Errno.ENOSPC, r);
      expect(f, "most of the device was written", 1, total > 700_000 ? 1 : 0);
      expect(f, "truncating frees it", 0, s.ftruncate(fd, 0));
      expect(f, "room again", 65536, s.write(fd, buf, 65536));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void filesReadBackAfterDroppingTheCacheAndAfterARebootFromTheImage() {
    byte[] data = new byte[300_000];
    new SplittableRandom(7).nextBytes(data);
    List<String> failures = run(system(dir, "8 MiB"), (u, s, buf, f) -> {
      s.mkdir("/dir");
      int fd = s.open("/dir/file", CREATE);
      for (int off = 0; off < data.length; off += 65536) {
        int n = Math.min(65536, data.length - off);
        u.write(buf, data, off, n);
        s.write(fd, buf, n);
      }
      expect(f, "fsync", 0, s.fsync(fd));
      s.close(fd);
    });
    assertEquals(List.of(), failures);
    List<String> after = run(system(dir, "8 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/dir/file", Fcntl.O_RDONLY);
      byte[] back = new byte[data.length];
      for (int off = 0; off < data.length; off += 65536) {
        int n = (int) s.read(fd, buf, 65536);
        u.read(buf, back, off, n);
      }
      if (!java.util.Arrays.equals(data, back)) {
        f.add("the file read back from the device differs");
      }
    });
    assertEquals(List.of(), after);
  }

  @Test
  void afterDroppingTheCacheEveryFileReadsBackFromTheDevice() {
    List<String> failures = new ArrayList<>();
    try (SystemRun run = system(null, "8 MiB").build().start()) {
      LinuxKernel k = (LinuxKernel) run.bootGuest();
      int pid = run.start(u -> {
        Syscalls s = u.syscalls();
        long buf = s.mmap(0, 2 * 65536, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        byte[] data = new byte[40_000];
        new SplittableRandom(3).nextBytes(data);
        u.write(buf, data, 0, data.length);
        int fd = s.open("/f", CREATE);
        s.write(fd, buf, data.length);
        s.fsync(fd);
        int dropped = k.files.dropCaches();
        if (dropped <= 10) {
          failures.add("only " + dropped + " clean blocks dropped");
        }
        byte[] back = new byte[data.length];
        expect(failures, "pread", data.length, s.pread(fd, buf + 65_536, data.length, 0));
        u.read(buf + 65_536, back, 0, back.length);
        if (!java.util.Arrays.equals(data, back)) {
          failures.add("data read back from the device differs");
        }
      });
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
      assertEquals(List.of(), failures);
      assertTrue(run.stats().value("system.guest.fs.cache-misses") > 10, "the second read came from the device: misses "
          + run.stats().value("system.guest.fs.cache-misses") + ", hits " + run.stats().value("system.guest.fs.cache-hits"));
    }
    assertEquals(List.of(), failures);
  }

  /** Creates {@code path}, writes {@code n} bytes of value {@code v}, fsyncs, reads them back: the failures. */
  static List<String> ownFile(UserContext u, String path, int n, int v) {
    List<String> f = new ArrayList<>();
    Syscalls s = u.syscalls();
    long buf = s.mmap(0, n, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    byte[] data = new byte[n];
    java.util.Arrays.fill(data, (byte) v);
    int fd = s.open(path, CREATE | Fcntl.O_EXCL);
    u.write(buf, data, 0, n);
    expect(f, path + " write", n, s.write(fd, buf, n));
    expect(f, path + " fsync", 0, s.fsync(fd));
    u.write(buf, new byte[n], 0, n);
    expect(f, path + " pread", n, s.pread(fd, buf, n, 0));
    byte[] back = new byte[n];
    u.read(buf, back, 0, n);
    if (!java.util.Arrays.equals(data, back)) {
      f.add(path + " read back another file's bytes (" + back[0] + ", not " + v + ")");
    }
    s.close(fd);
    return f;
  }

  @Test
  void processesFirstUsingTheFileSystemTogetherShareOneMount() {
    // The first file call mounts lxfs and waits for the device; the others arrive meanwhile.
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      for (int k = 1; k <= 3; k++) {
        String path = "/f" + k;
        int v = k;
        s.fork(c -> c.syscalls().exit(ownFile(c, path, 40_000, v).size()));
      }
      f.addAll(ownFile(u, "/f0", 40_000, 0));
      for (int k = 0; k < 3; k++) {
        s.waitpid(-1, buf);
        expect(f, "a child's failures", 0, u.load64(buf) & 0xFFFF_FFFFL);
      }
      expect(f, "stat /f3", 0, s.stat("/f3", buf));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void blocksOfARunningCommitStayCachedUntilTheyAreHome() {
    // One process commits (fsync) while another drops clean blocks and creates files: a block the
    // commit took clean but has not written home yet must not be dropped and re-read stale.
    List<String> failures = new ArrayList<>();
    try (SystemRun run = system(null, "16 MiB").build().start()) {
      LinuxKernel k = (LinuxKernel) run.bootGuest();
      int pid = run.start(u -> {
        Syscalls s = u.syscalls();
        failures.addAll(ownFile(u, "/first", 4096, 1)); // (mounted before the two start)
        s.fork(c -> {
          for (int i = 0; i < 20; i++) {
            failures.addAll(ownFile(c, "/a" + i, 8192, 2));
          }
          c.syscalls().exit(0);
        });
        for (int i = 0; i < 20; i++) {
          k.files.dropCaches();
          failures.addAll(ownFile(u, "/b" + i, 4096, 3));
        }
        s.waitpid(-1, 0);
        for (String p : Fsck.check(k.files.mounted())) {
          failures.add("fsck: " + p);
        }
      });
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void withoutAFileSystemDeviceFileCallsAnswerEnodev() {
    List<String> failures = new ArrayList<>();
    Guest.Outcome o = Guest.run(u -> {
      expect(failures, "open", -Errno.ENODEV, u.syscalls().open("/a", CREATE));
      expect(failures, "read of a bad fd", -Errno.EBADF, u.syscalls().read(3, 0, 1));
    });
    assertEquals(List.of(), failures);
    assertEquals(0, o.status());
    assertTrue(o.run().stats().toTree().keySet().stream().noneMatch(k -> k.startsWith("system.guest.fs.")),
        "no file system was mounted, so none of its stats exists");
  }
}
