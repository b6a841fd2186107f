package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.posix.Errno;
import org.sego.support.SeededCases;

/** Seeded random arguments to every memory system call: an error code back, never an exception out of the kernel. */
class MalformedArgumentsTest {
  private static final Set<Long> ERRNOS = Set.of((long) -Errno.EINVAL, (long) -Errno.ENOMEM, (long) -Errno.EFAULT,
      (long) -Errno.EBADF, (long) -Errno.ECHILD, (long) -Errno.ESRCH, (long) -Errno.EINTR);

  static LongStream seeds() {
    return SeededCases.seeds(0xBAD_A765L, 100);
  }

  static long wild(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0:
        return 0;
      case 1:
        return -r.nextLong(1 << 20);
      case 2:
        return r.nextLong();
      case 3:
        return (r.nextLong(1L << 47) & ~4095L);
      case 4:
        return r.nextLong(1L << 47);
      default:
        return r.nextInt(1 << 16);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyAnswerIsAValueOrAKnownErrno(long seed) {
    List<String> bad = new ArrayList<>();
    Guest.Outcome o = Guest.run(u -> {
      var s = u.syscalls();
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < 60; i++) {
        int which = r.nextInt(8);
        long result;
        String call;
        switch (which) {
          case 0:
            call = "brk";
            result = s.brk(wild(r));
            break;
          case 1:
            call = "mmap";
            result = s.mmap(wild(r), wild(r) % (64L << 20), r.nextInt(16), r.nextInt(0x40));
            break;
          case 2:
            call = "munmap";
            result = s.munmap(wild(r), wild(r));
            break;
          case 3:
            call = "mprotect";
            result = s.mprotect(wild(r), wild(r) % (1L << 30), r.nextInt(16));
            break;
          case 4:
            call = "getrandom";
            result = s.getrandom(wild(r), r.nextInt(3) == 0 ? -1 : r.nextInt(9000));
            break;
          case 5:
            call = "sigaction";
            result = s.sigaction(r.nextInt(80) - 5, null);
            break;
          case 6:
            call = "kill";
            result = s.kill(2 + r.nextInt(100), r.nextInt(80) - 5);
            break;
          default:
            call = "waitpid";
            result = s.waitpid(r.nextInt(10) - 3, wild(r));
            break;
        }
        if (result < 0 && !ERRNOS.contains(result)) {
          bad.add(call + " returned " + result);
        }
      }
    });
    assertEquals(List.of(), bad, "seed " + seed);
    assertEquals(0, o.status(), "seed " + seed + ": the process survived every call");
  }
}
