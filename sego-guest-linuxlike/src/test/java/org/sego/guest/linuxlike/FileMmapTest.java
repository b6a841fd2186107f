package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;

/** File mmap: coherent with read and write, private copies stay private, msync makes writes durable. */
class FileMmapTest {
  private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

  @TempDir
  Path dir;

  @Test
  void sharedMappingsAreCoherentWithReadAndWriteAndPrivateOnesArePrivate() {
    List<String> failures = FileSystemTest.run(FileSystemTest.system(null, "16 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/m", Fcntl.O_RDWR | Fcntl.O_CREAT);
      for (int i = 0; i < 4; i++) {
        u.store64(buf + i * 4096L, 1000 + i);
      }
      s.write(fd, buf, 4 * 4096);
      long shared = s.mmapFile(0, 4 * 4096, RW, Mman.MAP_SHARED, fd, 0);
      long priv = s.mmapFile(0, 4 * 4096, RW, Mman.MAP_PRIVATE, fd, 0);
      FileSystemTest.expect(f, "a mapping sees the file", 1002, u.load64(shared + 2 * 4096));
      u.store64(shared + 8192 + 8, 77);
      FileSystemTest.expect(f, "read sees a write through the mapping", 8, s.pread(fd, buf, 8, 8192 + 8));
      FileSystemTest.expect(f, "...with its value", 77, u.load64(buf));
      u.store64(buf, 55);
      s.pwrite(fd, buf, 8, 3 * 4096);
      FileSystemTest.expect(f, "the mapping sees a write()", 55, u.load64(shared + 3 * 4096));
      u.store64(priv, -1);
      FileSystemTest.expect(f, "a private write stays private", 1000, u.load64(shared));
      FileSystemTest.expect(f, "...in the file too", 8, s.pread(fd, buf, 8, 0));
      FileSystemTest.expect(f, "...value", 1000, u.load64(buf));
      FileSystemTest.expect(f, "the private copy keeps it", -1, u.load64(priv));
      FileSystemTest.expect(f, "msync", 0, s.msync(shared, 4 * 4096, Mman.MS_SYNC));
      FileSystemTest.expect(f, "msync with both flags", -Errno.EINVAL, s.msync(shared, 4096, Mman.MS_SYNC | Mman.MS_ASYNC));
      FileSystemTest.expect(f, "msync of unmapped memory", -Errno.ENOMEM, s.msync(0x10_0000, 4096, Mman.MS_SYNC));
      FileSystemTest.expect(f, "bad fd", -Errno.EBADF, s.mmapFile(0, 4096, RW, Mman.MAP_SHARED, 77, 0));
      FileSystemTest.expect(f, "misaligned offset", -Errno.EINVAL, s.mmapFile(0, 4096, RW, Mman.MAP_SHARED, fd, 100));
      int ro = s.open("/m", Fcntl.O_RDONLY);
      FileSystemTest.expect(f, "a writable shared map of a read-only fd", -Errno.EACCES,
          s.mmapFile(0, 4096, RW, Mman.MAP_SHARED, ro, 0));
      s.mkdir("/dd");
      int dfd = s.open("/dd", Fcntl.O_RDONLY);
      FileSystemTest.expect(f, "a directory", -Errno.ENODEV, s.mmapFile(0, 4096, Mman.PROT_READ, Mman.MAP_SHARED, dfd, 0));
      FileSystemTest.expect(f, "munmap", 0, s.munmap(shared, 4 * 4096));
      s.close(ro);
      s.close(dfd);
      s.close(fd);
    });
    assertEquals(List.of(), failures);
  }

  @Test
  void writesThroughASharedMappingReachTheDeviceAfterMsync() {
    List<String> failures = FileSystemTest.run(FileSystemTest.system(dir, "8 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/m", Fcntl.O_RDWR | Fcntl.O_CREAT);
      s.ftruncate(fd, 8192);
      long m = s.mmapFile(0, 8192, RW, Mman.MAP_SHARED, fd, 0);
      u.store64(m + 4096 + 16, 0xABCDEF);
      s.msync(m, 8192, Mman.MS_SYNC);
    });
    assertEquals(List.of(), failures);
    List<String> after = FileSystemTest.run(FileSystemTest.system(dir, "8 MiB"), (u, s, buf, f) -> {
      int fd = s.open("/m", Fcntl.O_RDONLY);
      FileSystemTest.expect(f, "read after reboot", 8, s.pread(fd, buf, 8, 4096 + 16));
      FileSystemTest.expect(f, "value after reboot", 0xABCDEF, u.load64(buf));
    });
    assertEquals(List.of(), after);
  }
}
