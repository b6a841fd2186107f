package org.sego.examples.isolate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.hap.HapProgram;
import org.sego.api.posix.Errno;
import org.sego.api.posix.Fcntl;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/**
 * A HAP's plain POSIX calls through the trusted library, with their buffers in the HAP's protected
 * memory (which the kernel cannot touch under isolate: they pass through the bounce area), larger
 * than the bounce area, with POSIX results and errors, the same under {@code none} and {@code isolate}.
 */
class HapPosixTest {
  static final long BIG = 200 * 1024 + 123;

  static final HapProgram PROGRAM = t -> {
    var s = t.syscalls();
    var u = t.user();
    long buf = t.allocateSecure(2 * BIG + 8192);
    long back = buf + BIG + 4096;
    long stat = back + BIG;
    for (long i = 0; i + 8 <= BIG; i += 8) {
      u.store64(buf + i, i * 131 + 5);
    }
    t.emit("mkdir", s.mkdir("/d"));
    t.emit("mkdir again", s.mkdir("/d"));
    int fd = s.open("/d/f", Fcntl.O_CREAT | Fcntl.O_RDWR);
    t.emit("open", fd >= 0 ? 1 : fd);
    t.emit("write", s.write(fd, buf, BIG));
    t.emit("pwrite", s.pwrite(fd, buf, 100, BIG));
    t.emit("lseek", s.lseek(fd, 0, Fcntl.SEEK_SET));
    t.emit("read", s.read(fd, back, BIG));
    long wrong = 0;
    for (long i = 0; i + 8 <= BIG; i += 8) {
      wrong += u.load64(back + i) == i * 131 + 5 ? 0 : 1;
    }
    t.emit("wrong", wrong);
    t.emit("pread", s.pread(fd, back, 200, BIG - 50));
    t.emit("pread value", u.load64(back + 50));
    t.emit("fdatasync", s.fdatasync(fd));
    t.emit("stat", s.stat("/d/f", stat));
    t.emit("stat size", u.load64(stat + 8));
    t.emit("stat missing", s.stat("/d/nothing", stat));
    int dir = s.open("/d", Fcntl.O_RDONLY | Fcntl.O_DIRECTORY);
    t.emit("readdir", s.readdir(dir, back, 16 * Fcntl.DIRENT_BYTES));
    t.emit("close dir", s.close(dir));
    t.emit("rmdir full", s.rmdir("/d"));
    t.emit("close", s.close(fd));
    t.emit("read closed", s.read(fd, back, 10));
    t.emit("unlink", s.unlink("/d/f"));
    t.emit("rmdir", s.rmdir("/d"));
    t.emit("open missing", s.open("/d/f", Fcntl.O_RDONLY));
    s.exit(0);
  };

  static List<String> run(String strategy, Map<String, ?> parameters) {
    List<String> out = new ArrayList<>();
    SegoSystem sys = SegoSystem.builder(IsolateStrategyTest.registry()).memory("64 MiB").strategy(strategy, parameters)
        .guest("linuxlike", Map.of("fs-device", "disk")).device("disk", "nvme", Map.of("size", "16 MiB")).build();
    try (SystemRun run = sys.start()) {
      run.bootGuest();
      int pid = run.startHap(PROGRAM, (p, label, value) -> out.add(label + "=" + value));
      run.run();
      out.add("exit=" + run.exitStatuses().get(pid));
      if (strategy.equals("isolate")) {
        out.add("denied=" + run.stats().value("system.strategy.os-touches-denied"));
        out.add("user-writes=" + (run.stats().value("system.strategy.user-writes") > 0));
      }
    }
    return out;
  }

  @Test
  void plainFileCallsOfAHapWorkWithPosixResultsUnderBothStrategies() {
    List<String> expected = List.of("mkdir=0", "mkdir again=" + -Errno.EEXIST, "open=1", "write=" + BIG, "pwrite=100",
        "lseek=0", "read=" + BIG, "wrong=0", "pread=150", "pread value=5",
        "fdatasync=0", "stat=0", "stat size=" + (BIG + 100), "stat missing=" + -Errno.ENOENT,
        "readdir=" + Fcntl.DIRENT_BYTES, "close dir=0", "rmdir full=" + -Errno.ENOTEMPTY, "close=0",
        "read closed=" + -Errno.EBADF, "unlink=0", "rmdir=0", "open missing=" + -Errno.ENOENT, "exit=0");
    assertEquals(expected, run("none", Map.of()));
    assertEquals(append(expected, "denied=0", "user-writes=false"), run("isolate", Map.of()));
    // The kernel's results written into the bounce area by the hypervisor: the same answers.
    assertEquals(append(expected, "denied=0", "user-writes=true"), run("isolate", Map.of("user-writes", "hypercall")));
  }

  private static List<String> append(List<String> l, String... more) {
    List<String> c = new ArrayList<>(l);
    c.addAll(List.of(more));
    return c;
  }
}
