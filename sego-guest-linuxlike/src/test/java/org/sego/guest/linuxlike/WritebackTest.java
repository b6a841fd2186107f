package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sego.api.posix.Fcntl;
import org.sego.api.posix.Mman;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/** A file three times the memory limit is written and read back whole: write-back and reclaim of the page cache. */
class WritebackTest {
  @Test
  void aFileLargerThanMemoryIsWrittenBackAndReadBackIntact() {
    List<String> failures = new ArrayList<>();
    SegoSystem system = SegoSystem.builder().memory("64 MiB").seed(4)
        .guest("linuxlike", Map.of("fs-device", "disk", "memory-limit", "8 MiB"))
        .device("disk", "nvme", Map.of("size", "64 MiB")).build();
    long fileBytes = 24L << 20;
    try (SystemRun run = system.start()) {
      run.bootGuest();
      int pid = run.start(u -> {
        var s = u.syscalls();
        long buf = s.mmap(0, 1 << 16, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        byte[] chunk = new byte[1 << 16];
        int fd = s.open("/big", Fcntl.O_RDWR | Fcntl.O_CREAT);
        for (long off = 0; off < fileBytes; off += chunk.length) {
          new SplittableRandom(off).nextBytes(chunk);
          u.write(buf, chunk, 0, chunk.length);
          if (s.write(fd, buf, chunk.length) != chunk.length) {
            failures.add("short write at " + off);
            return;
          }
          u.compute(200_000);
        }
        s.fsync(fd);
        byte[] back = new byte[chunk.length];
        for (long off = 0; off < fileBytes; off += chunk.length) {
          new SplittableRandom(off).nextBytes(chunk);
          s.pread(fd, buf, chunk.length, off);
          u.read(buf, back, 0, back.length);
          if (!java.util.Arrays.equals(chunk, back)) {
            failures.add("bytes at " + off + " came back different");
            return;
          }
        }
      });
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
      assertEquals(List.of(), failures);
      long flusher = run.stats().value("system.guest.fs.flusher-writebacks");
      long reclaimed = run.stats().value("system.guest.fs.cache-reclaimed");
      assertTrue(flusher > 0, "the flusher wrote data back");
      assertTrue(reclaimed > 2048, "clean cache blocks were reclaimed: " + reclaimed);
    }
  }
}
