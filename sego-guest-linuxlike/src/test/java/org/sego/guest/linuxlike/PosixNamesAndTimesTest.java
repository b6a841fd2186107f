package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sego.guest.linuxlike.FileSystemTest.expect;
import static org.sego.guest.linuxlike.FileSystemTest.run;
import static org.sego.guest.linuxlike.FileSystemTest.system;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/** lxfs against POSIX (and Linux where POSIX leaves a choice): "." and "..", times, EFBIG, EISDIR, PATH_MAX. */
class PosixNamesAndTimesTest {
  static final int RW = Fcntl.O_RDWR;
  static final int CREATE = Fcntl.O_RDWR | Fcntl.O_CREAT;
  /** lxfs's largest file: 12 direct, 1024 indirect and 1024² double-indirect blocks of 4 KiB. */
  static final long MAX_FILE = (12L + 1024 + 1024L * 1024) * 4096;

  /** {@code stat} of {@code path}: {inode, size, mode, links, mtime}, or {-errno}. */
  static long[] stat(UserContext u, Syscalls s, long buf, String path) {
    int r = s.stat(path, buf);
    if (r < 0) {
      return new long[] {r};
    }
    byte[] raw = new byte[Fcntl.STAT_BYTES];
    u.read(buf, raw, 0, raw.length);
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    return new long[] {b.getLong(0), b.getLong(8), b.getInt(16), b.getInt(20), b.getLong(24)};
  }

  static long mtime(UserContext u, Syscalls s, long buf, String path) {
    return stat(u, s, buf, path)[4];
  }

  /** Lets simulated time pass, so that a time set after it is later than one set before. */
  static void later(UserContext u) {
    u.compute(30_000);
  }

  @Test
  void dotAndDotDotResolveInEveryLookupAndAreRefusedAsTheLastComponent() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      expect(f, "mkdir /d", 0, s.mkdir("/d"));
      expect(f, "mkdir /d/sub", 0, s.mkdir("/d/sub"));
      long d = stat(u, s, buf, "/d")[0];
      long sub = stat(u, s, buf, "/d/sub")[0];
      long root = stat(u, s, buf, "/")[0];
      expect(f, "stat /d/sub/.. is /d", d, stat(u, s, buf, "/d/sub/..")[0]);
      expect(f, "stat /d/./sub is /d/sub", sub, stat(u, s, buf, "/d/./sub")[0]);
      expect(f, "stat /d/sub/../sub/. is /d/sub", sub, stat(u, s, buf, "/d/sub/../sub/.")[0]);
      expect(f, "the root's .. is the root", root, stat(u, s, buf, "/../..")[0]);
      expect(f, "mkdir /d/. (exists)", -Errno.EEXIST, s.mkdir("/d/."));
      expect(f, "mkdir /d/.. (exists)", -Errno.EEXIST, s.mkdir("/d/.."));
      expect(f, "rmdir /d/sub/.", -Errno.EINVAL, s.rmdir("/d/sub/."));
      expect(f, "rmdir /d/sub/..", -Errno.ENOTEMPTY, s.rmdir("/d/sub/.."));
      expect(f, "rename from /d/sub/.", -Errno.EBUSY, s.rename("/d/sub/.", "/x"));
      expect(f, "rename onto /d/..", -Errno.EBUSY, s.rename("/d/sub", "/d/.."));
      expect(f, "unlink /d/.", -Errno.EISDIR, s.unlink("/d/."));
      expect(f, "unlink /d/..", -Errno.EISDIR, s.unlink("/d/.."));
      int fd = s.open("/d/sub/../f", CREATE);
      expect(f, "create through ..", 3, fd);
      s.close(fd);
      expect(f, "it is /d/f", 0, s.stat("/d/f", buf));
      expect(f, "a file is no directory: /d/f/..", -Errno.ENOTDIR, s.stat("/d/f/..", buf));
      expect(f, "rmdir /d/sub", 0, s.rmdir("/d/sub"));
      expect(f, "unlink /d/f", 0, s.unlink("/d/f"));
      expect(f, "no stray '.' or '..' entry keeps /d from being empty", 0, s.rmdir("/d"));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void aDirectorysTimeIsSetAtCreationAndAtEveryEntryAddedRemovedOrRenamed() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      later(u);
      s.mkdir("/a");
      long a0 = mtime(u, s, buf, "/a");
      if (a0 <= 0) {
        f.add("mkdir left the new directory's mtime at " + a0);
      }
      expect(f, "mkdir updates the parent", a0, mtime(u, s, buf, "/"));
      s.mkdir("/b");
      String[] steps = {"create", "mkdir", "rename within", "rename across", "unlink", "rmdir"};
      for (String step : steps) {
        later(u);
        long before = mtime(u, s, buf, "/a");
        long beforeB = mtime(u, s, buf, "/b");
        switch (step) {
          case "create":
            s.close(s.open("/a/f", CREATE));
            break;
          case "mkdir":
            s.mkdir("/a/sub");
            break;
          case "rename within":
            s.rename("/a/f", "/a/g");
            break;
          case "rename across":
            s.rename("/a/g", "/b/g");
            if (mtime(u, s, buf, "/b") <= beforeB) {
              f.add("rename across left the target directory's mtime");
            }
            break;
          case "unlink":
            s.rename("/b/g", "/a/g");
            later(u);
            before = mtime(u, s, buf, "/a");
            s.unlink("/a/g");
            break;
          default:
            s.rmdir("/a/sub");
        }
        if (mtime(u, s, buf, "/a") <= before) {
          f.add(step + " left the directory's mtime at " + before);
        }
      }
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void truncationMarksAFileModifiedAndADirectoryIsNeverTruncated() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/f", CREATE);
      s.pwrite(fd, buf, 100, 0);
      s.close(fd);
      later(u);
      long t0 = mtime(u, s, buf, "/f");
      s.close(s.open("/f", RW | Fcntl.O_TRUNC));
      long t1 = mtime(u, s, buf, "/f");
      if (t1 <= t0) {
        f.add("open(O_TRUNC) left mtime at " + t0);
      }
      later(u);
      s.close(s.open("/f", RW | Fcntl.O_TRUNC));
      if (mtime(u, s, buf, "/f") <= t1) {
        f.add("open(O_TRUNC) of an empty file left mtime (POSIX marks it whatever the size)");
      }
      fd = s.open("/f", RW);
      later(u);
      long t2 = mtime(u, s, buf, "/f");
      expect(f, "ftruncate to the same size", 0, s.ftruncate(fd, 0));
      expect(f, "an unchanged size leaves mtime", t2, mtime(u, s, buf, "/f"));
      expect(f, "ftruncate larger", 0, s.ftruncate(fd, 5000));
      if (mtime(u, s, buf, "/f") <= t2) {
        f.add("a size change by ftruncate left mtime");
      }
      later(u);
      long t3 = mtime(u, s, buf, "/f");
      expect(f, "ftruncate smaller", 0, s.ftruncate(fd, 10));
      if (mtime(u, s, buf, "/f") <= t3) {
        f.add("shrinking by ftruncate left mtime");
      }
      s.close(fd);
      s.mkdir("/d");
      expect(f, "open(dir, O_RDONLY|O_TRUNC)", -Errno.EISDIR, s.open("/d", Fcntl.O_RDONLY | Fcntl.O_TRUNC));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void aFileLargerThanLxfsCanAddressIsEfbigAndTheLargestOneIsFreedAtOnce() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/big", CREATE);
      expect(f, "ftruncate above the largest file", -Errno.EFBIG, s.ftruncate(fd, 999_999_999_999_999L));
      expect(f, "ftruncate one byte above", -Errno.EFBIG, s.ftruncate(fd, MAX_FILE + 1));
      expect(f, "ftruncate to the largest file", 0, s.ftruncate(fd, MAX_FILE));
      expect(f, "pwrite past the largest file", -Errno.EFBIG, s.pwrite(fd, buf, 1, MAX_FILE));
      expect(f, "pwrite of its last byte", 1, s.pwrite(fd, buf, 1, MAX_FILE - 1));
      s.close(fd);
      expect(f, "unlink", 0, s.unlink("/big"));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void aPathOfPathMaxBytesIsTooLong() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      String longest = "/" + "./".repeat(2046) + "xy"; // 4095 bytes: fits with its NUL
      String tooLong = longest + "z"; // 4096 bytes
      assertEquals(4095, longest.length());
      expect(f, "4095 bytes: resolved, absent", -Errno.ENOENT, s.stat(longest, buf));
      expect(f, "4096 bytes", -Errno.ENAMETOOLONG, s.stat(tooLong, buf));
      expect(f, "4096 bytes: open", -Errno.ENAMETOOLONG, s.open(tooLong, CREATE));
      expect(f, "4096 bytes: mkdir", -Errno.ENAMETOOLONG, s.mkdir(tooLong));
      expect(f, "a component of 49 bytes", -Errno.ENAMETOOLONG, s.mkdir("/" + "n".repeat(49)));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void aDirectoryCannotBeRenamedIntoItselfHoweverThePathIsSpelled() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      s.mkdir("/a");
      s.mkdir("/b");
      for (String into : new String[] {"/a/x", "/./a/x", "/b/../a/x", "//a/x", "/a/./x"}) {
        expect(f, "rename /a to " + into, -Errno.EINVAL, s.rename("/a", into));
      }
      expect(f, "rename /x/../a into itself", -Errno.EINVAL, s.rename("/b/../a", "/a/y"));
      expect(f, "/a is still there", 0, s.stat("/a", buf));
      expect(f, "a rename out of it is fine", 0, s.rename("/b", "/a/../c"));
      expect(f, "/c", 0, s.stat("/c", buf));
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void bytesCutOffByTruncationReadAsZerosWhenTheFileGrowsAgainAndAnEmptyWriteChangesNothing() {
    List<String> failures = run(system(null, "16 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/f", CREATE);
      byte[] ones = new byte[4096];
      java.util.Arrays.fill(ones, (byte) 1);
      u.write(buf, ones, 0, ones.length);
      expect(f, "write a block of ones", 4096, s.pwrite(fd, buf, 4096, 0));
      expect(f, "shrink to 10", 0, s.ftruncate(fd, 10));
      expect(f, "grow to 5000", 0, s.ftruncate(fd, 5000));
      expect(f, "read back", 4096, s.pread(fd, buf + 8192, 4096, 0));
      byte[] back = new byte[4096];
      u.read(buf + 8192, back, 0, back.length);
      for (int i = 0; i < back.length; i++) {
        if (back[i] != (i < 10 ? 1 : 0)) {
          f.add("byte " + i + " reads " + back[i] + " after shrinking to 10 and growing");
          break;
        }
      }
      long t = mtime(u, s, buf, "/f");
      later(u);
      expect(f, "an empty write past the end", 0, s.pwrite(fd, buf, 0, 1L << 50));
      expect(f, "leaves the size", 5000, stat(u, s, buf, "/f")[1]);
      expect(f, "and the time", t, mtime(u, s, buf, "/f"));
      s.close(fd);
    });
    assertEquals(List.of(), failures);
  }
}
