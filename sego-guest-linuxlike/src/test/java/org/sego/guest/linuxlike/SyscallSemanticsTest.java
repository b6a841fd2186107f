package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Mman;
import org.sego.api.sim.Registers;
import org.sego.api.posix.Signals;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/** Each system call's semantics and error codes, as a program sees them. */
class SyscallSemanticsTest {
  private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
  private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

  /** Runs checks inside a process; the first failing check's index becomes the exit status. */
  interface Checks {
    void run(UserContext u, Syscalls s, List<String> failures);
  }

  static void expect(List<String> failures, String what, long expected, long actual) {
    if (expected != actual) {
      failures.add(what + ": expected " + expected + (expected < 0 ? " (" + Errno.name(expected) + ")" : "") + " but got "
          + actual + (actual < 0 ? " (" + Errno.name(actual) + ")" : ""));
    }
  }

  static void check(Checks c) {
    List<String> failures = new ArrayList<>();
    Guest.Outcome o = Guest.run(u -> c.run(u, u.syscalls(), failures));
    assertEquals(List.of(), failures);
    assertEquals(0, o.status());
  }

  @Test
  void brkGrowsShrinksAndRefusesWhatItCannotGrant() {
    check((u, s, f) -> {
      long base = s.brk(0);
      expect(f, "initial break", 0x1000_0000L, base);
      expect(f, "grow", base + 10_000, s.brk(base + 10_000));
      u.store64(base + 9_000, 5);
      expect(f, "heap reads back", 5, u.load64(base + 9_000));
      expect(f, "below the heap start is refused", base + 10_000, s.brk(base - 4096));
      expect(f, "shrink", base + 4096, s.brk(base + 4096));
      expect(f, "grow again", base + 20_000, s.brk(base + 20_000));
      expect(f, "a page freed by shrinking comes back zeroed", 0, u.load64(base + 9_000));
    });
  }

  @Test
  void mmapValidatesItsArguments() {
    check((u, s, f) -> {
      expect(f, "zero length", -Errno.EINVAL, s.mmap(0, 0, RW, ANON));
      expect(f, "negative length", -Errno.EINVAL, s.mmap(0, -4096, RW, ANON));
      expect(f, "bad prot", -Errno.EINVAL, s.mmap(0, 4096, 0x100, ANON));
      expect(f, "neither shared nor private", -Errno.EINVAL, s.mmap(0, 4096, RW, Mman.MAP_ANONYMOUS));
      expect(f, "both shared and private", -Errno.EINVAL,
          s.mmap(0, 4096, RW, Mman.MAP_SHARED | Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS));
      expect(f, "a file mapping without a file", -Errno.EBADF, s.mmap(0, 4096, RW, Mman.MAP_PRIVATE));
      expect(f, "misaligned fixed address", -Errno.EINVAL, s.mmap(0x1234, 4096, RW, ANON | Mman.MAP_FIXED));
      expect(f, "absurd length", -Errno.ENOMEM, s.mmap(0, 1L << 50, RW, ANON));
      long a = s.mmap(0, 3 * 4096, RW, ANON);
      expect(f, "page aligned", 0, a & 4095);
      u.store64(a + 2 * 4096 + 8, 77);
      expect(f, "reads back", 77, u.load64(a + 2 * 4096 + 8));
      long b = s.mmap(a, 4096, RW, ANON | Mman.MAP_FIXED);
      expect(f, "fixed replaces", a, b);
      expect(f, "the replaced page is fresh", 0, u.load64(a + 8));
    });
  }

  @Test
  void munmapAndMprotectValidateAndTakeEffect() {
    List<String> failures = new ArrayList<>();
    Guest.Outcome o = Guest.run(u -> {
      Syscalls s = u.syscalls();
      long a = s.mmap(0, 4 * 4096, RW, ANON);
      expect(failures, "munmap misaligned", -Errno.EINVAL, s.munmap(a + 1, 4096));
      expect(failures, "munmap zero length", -Errno.EINVAL, s.munmap(a, 0));
      expect(failures, "mprotect misaligned", -Errno.EINVAL, s.mprotect(a + 1, 4096, Mman.PROT_READ));
      expect(failures, "mprotect bad prot", -Errno.EINVAL, s.mprotect(a, 4096, 0x40));
      expect(failures, "mprotect of unmapped memory", -Errno.ENOMEM, s.mprotect(0x5000_0000L, 4096, Mman.PROT_READ));
      u.store64(a, 1);
      expect(failures, "munmap", 0, s.munmap(a + 4096, 4096));
      expect(failures, "mprotect over a hole", -Errno.ENOMEM, s.mprotect(a, 3 * 4096, Mman.PROT_READ));
      expect(failures, "mprotect read-only", 0, s.mprotect(a, 4096, Mman.PROT_READ));
      expect(failures, "still readable", 1, u.load64(a));
      u.store64(a, 2); // SIGSEGV: the process dies here
      failures.add("a write to a read-only page succeeded");
    });
    assertEquals(List.of(), failures);
    assertEquals(128 + Signals.SIGSEGV, o.status());
  }

  @Test
  void anAccessToAnUnmappedPageIsASegfault() {
    Guest.Outcome o = Guest.run(u -> {
      long a = u.syscalls().mmap(0, 4096, RW, ANON);
      u.syscalls().munmap(a, 4096);
      u.load64(a);
    });
    assertEquals(139, o.status());
    assertEquals(1, o.stat("system.guest.segfaults"));
  }

  @Test
  void forkWaitpidAndExitStatus() {
    check((u, s, f) -> {
      long status = s.mmap(0, 4096, RW, ANON);
      int child = s.fork(c -> c.syscalls().exit(c.syscalls().getppid() == 1 ? 42 : 1));
      expect(f, "child pid", 2, child);
      expect(f, "waitpid", child, s.waitpid(child, status));
      expect(f, "exit status stored", 42, u.load64(status) & 0xFFFF_FFFFL);
      expect(f, "no more children", -Errno.ECHILD, s.waitpid(-1, 0));
      expect(f, "not a child", -Errno.ECHILD, s.waitpid(99, 0));
      int c2 = s.fork(c -> c.syscalls().exit(3));
      expect(f, "bad status address", -Errno.EFAULT, s.waitpid(c2, 0x10));
      expect(f, "reaped after all", c2, s.waitpid(-1, 0));
    });
  }

  @Test
  void getrandomFillsUserMemoryOrFaults() {
    check((u, s, f) -> {
      long a = s.mmap(0, 8192, RW, ANON);
      expect(f, "negative length", -Errno.EINVAL, s.getrandom(a, -1));
      expect(f, "unmapped", -Errno.EFAULT, s.getrandom(0x10, 16));
      expect(f, "filled", 6000, s.getrandom(a + 100, 6000));
      long nonZero = 0;
      for (int i = 0; i < 6000; i += 8) {
        nonZero += u.load64(a + 100 + i) != 0 ? 1 : 0;
      }
      expect(f, "random words are non-zero", 1, nonZero > 700 ? 1 : 0);
      s.mprotect(a, 8192, Mman.PROT_READ);
      expect(f, "read-only target", -Errno.EFAULT, s.getrandom(a, 16));
    });
  }

  @Test
  void signalsRunTheHandlerAndRestoreRegisters() {
    check((u, s, f) -> {
      expect(f, "SIGKILL cannot be caught", -Errno.EINVAL, s.sigaction(Signals.SIGKILL, (x, y) -> {}));
      expect(f, "signal 0", -Errno.EINVAL, s.sigaction(0, (x, y) -> {}));
      expect(f, "no such process", -Errno.ESRCH, s.kill(77, Signals.SIGUSR1));
      expect(f, "bad signal", -Errno.EINVAL, s.kill(1, 99));
      long[] seen = new long[2];
      expect(f, "install", 0, s.sigaction(Signals.SIGUSR1, (h, sig) -> {
        seen[0] = sig;
        seen[1] = h.registers()[Registers.RSP];
        h.registers()[Registers.RBX] = 0xBAD; // clobbered by the handler, restored by sigreturn
      }));
      u.registers()[Registers.RBX] = 0x600D;
      long sp = u.registers()[Registers.RSP];
      expect(f, "kill self", 0, s.kill(s.getpid(), Signals.SIGUSR1));
      expect(f, "handler ran", Signals.SIGUSR1, seen[0]);
      expect(f, "handler ran on a frame below the stack", 1, seen[1] < sp ? 1 : 0);
      expect(f, "registers restored", 0x600D, u.registers()[Registers.RBX]);
      expect(f, "stack pointer restored", sp, u.registers()[Registers.RSP]);
    });
  }

  @Test
  void anUncaughtSignalKillsTheProcessWithItsStatus() {
    Guest.Outcome o = Guest.run(u -> {
      int child = u.syscalls().fork(c -> {
        while (true) {
          c.syscalls().yield();
        }
      });
      u.syscalls().kill(child, Signals.SIGTERM);
      long st = u.syscalls().mmap(0, 4096, RW, ANON);
      u.syscalls().waitpid(child, st);
      u.syscalls().exit((int) u.load64(st));
    });
    assertEquals(128 + Signals.SIGTERM, o.status());
  }
}
