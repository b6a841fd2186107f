package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.posix.Mman;

/** fork shares pages copy-on-write: each side sees only its own writes; MAP_SHARED memory is shared. */
class ForkCopyOnWriteTest {
  private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

  @Test
  void parentAndChildSeeOnlyTheirOwnWritesAfterFork() {
    List<String> log = new ArrayList<>();
    Guest.Outcome o = Guest.run(Guest.system(Map.of("thp", true)), u -> {
      var s = u.syscalls();
      long priv = s.mmap(0, 4L << 20, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      long shared = s.mmap(0, 4096, RW, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS);
      for (long off = 0; off < (4L << 20); off += 4096) {
        u.store64(priv + off, off);
      }
      u.store64(shared, 1);
      int child = s.fork(c -> {
        if (c.load64(priv + 8192) != 8192) {
          c.syscalls().exit(10);
        }
        c.store64(priv + 8192, -1);
        c.store64(shared, 2);
        c.syscalls().exit(c.load64(priv + 8192) == -1 ? 0 : 11);
      });
      long st = s.mmap(0, 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      s.waitpid(child, st);
      log.add("child status " + u.load64(st));
      log.add("parent sees " + u.load64(priv + 8192));
      log.add("shared sees " + u.load64(shared));
      u.store64(priv + 12288, 5);
      log.add("parent write " + u.load64(priv + 12288));
    });
    assertEquals(0, o.status());
    assertEquals(List.of("child status 0", "parent sees 8192", "shared sees 2", "parent write 5"), log);
    assertTrue(o.stat("system.guest.mm.cow-copies") >= 1, "the child's write copied the page");
    assertEquals(1, o.stat("system.guest.forks"));
    assertTrue(o.stat("system.guest.mm.huge-splits") >= 1, "fork splits 2 MiB pages before sharing them");
  }

  @Test
  void aChildOfAChildAndManyForksKeepDataIntact() {
    Guest.Outcome o = Guest.run(u -> {
      var s = u.syscalls();
      long a = s.mmap(0, 64 * 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      for (int i = 0; i < 64; i++) {
        u.store64(a + i * 4096L, i);
      }
      for (int k = 0; k < 8; k++) {
        int kk = k;
        s.fork(c -> {
          for (int i = 0; i < 64; i++) {
            if (c.load64(a + i * 4096L) != i) {
              c.syscalls().exit(1);
            }
            c.store64(a + i * 4096L, 1000 + kk);
          }
          int g = c.syscalls().fork(gc -> gc.syscalls().exit(gc.load64(a) == 1000 + kk ? 0 : 2));
          long st = c.syscalls().mmap(0, 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
          c.syscalls().waitpid(g, st);
          c.syscalls().exit((int) c.load64(st));
        });
      }
      long st = s.mmap(0, 4096, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
      int bad = 0;
      for (int k = 0; k < 8; k++) {
        s.waitpid(-1, st);
        bad += u.load64(st) == 0 ? 0 : 1;
      }
      for (int i = 0; i < 64; i++) {
        bad += u.load64(a + i * 4096L) == i ? 0 : 1;
      }
      s.exit(bad);
    });
    assertEquals(0, o.status());
    assertEquals(16, o.stat("system.guest.forks"));
  }
}
