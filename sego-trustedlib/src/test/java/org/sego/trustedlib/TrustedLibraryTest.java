package org.sego.trustedlib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sego.api.hap.HapProgram;
import org.sego.core.SegoSystem;
import org.sego.core.run.SystemRun;

/** A HAP on the library under none: pass-through checks, one hypercall per system call, bounce copies. */
class TrustedLibraryTest {
  static List<String> runHap(HapProgram hap, long[] hypercalls) {
    List<String> out = new ArrayList<>();
    SegoSystem s = SegoSystem.builder().memory("64 MiB").guest("linuxlike", Map.of()).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startHap(hap, (p, label, value) -> out.add(label + "=" + value));
      run.run();
      out.add("exit=" + run.exitStatuses().get(pid));
      hypercalls[0] = run.stats().value("system.hv.hypercalls");
    }
    return out;
  }

  @Test
  void aHapRunsOnTheLibraryWithOneHypercallPerSystemCall() {
    long[] hypercalls = new long[1];
    List<String> out = runHap(t -> {
      t.emit("registered", t.registered() ? 1 : 0);
      long secret = t.allocateSecure(8192);
      t.user().store64(secret, 99);
      long n = t.syscalls().getrandom(secret + 64, 100);
      long nonzero = t.user().load64(secret + 64) != 0 ? 1 : 0;
      t.emit("random", n + nonzero);
      int child = t.syscalls().fork(c -> c.syscalls().exit(5));
      t.syscalls().waitpid(child, secret + 4096);
      t.emit("status", t.user().load64(secret + 4096) & 0xFFFF_FFFFL);
      t.emit("secret", t.user().load64(secret));
      t.syscalls().exit(0);
    }, hypercalls);
    assertEquals(List.of("registered=0", "random=101", "status=5", "secret=99", "exit=0"), out);
    // The registration (refused under none, so no protect call follows), then one interposition
    // for each of the HAP's system calls: mmap (secure memory), getrandom, fork, wait4, exit. The
    // library's own mapping of its bounce area is not a HAP system call.
    assertEquals(1 + 5, hypercalls[0]);
  }

  @Test
  void secureFilesMoveDataThroughMappedPagesAndReadBack() {
    List<String> out = new ArrayList<>();
    SegoSystem s = SegoSystem.builder().memory("64 MiB").guest("linuxlike", Map.of("fs-device", "disk"))
        .device("disk", "nvme", Map.of("size", "16 MiB")).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startHap(t -> {
        var fs = t.files();
        var u = t.user();
        long buf = t.allocateSecure(3 * 4096);
        for (int i = 0; i < 3 * 512; i++) {
          u.store64(buf + 8L * i, i * 7L);
        }
        int f = fs.open("/s", org.sego.api.posix.Fcntl.O_CREAT);
        t.emit("write", fs.write(f, buf, 3 * 4096 - 100));
        t.emit("fsync", fs.fsync(f));
        t.emit("close", fs.close(f));
        t.emit("commit", fs.commit());
        int g = fs.open("/s", 0);
        t.emit("length", fs.length(g));
        t.emit("seek", fs.seek(g, 4096));
        t.emit("read", fs.read(g, buf + 3 * 4096 - 8, 100));
        t.emit("value", u.load64(buf + 3 * 4096 - 8));
        t.emit("mapped", u.load64(fs.mmap(g) + 8 * 100));
        t.emit("bad fd", fs.read(77, buf, 1));
        t.syscalls().exit(0);
      }, (p, label, value) -> out.add(label + "=" + value));
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
      assertTrue(run.stats().value("system.guest.fs.journal-commits") >= 1, "the fsync committed");
    }
    assertEquals(List.of("write=12188", "fsync=0", "close=0", "commit=0", "length=12188", "seek=4096", "read=100",
        "value=" + 512 * 7L, "mapped=700", "bad fd=-9"), out);
  }

  @Test
  void aHapRunsAgainAfterAPowerFailureAndFindsItsFsyncedSecureFiles() {
    SegoSystem s = SegoSystem.builder().memory("64 MiB").seed(6).guest("linuxlike", Map.of("fs-device", "disk"))
        .device("disk", "nvme", Map.of("size", "16 MiB")).build();
    List<Integer> durable = new ArrayList<>();
    SystemRun first = s.start();
    first.bootGuest();
    first.startHap(t -> {
      var fs = t.files();
      long buf = t.allocateSecure(4096);
      for (int i = 0; i < 1000; i++) {
        t.user().store64(buf, 1000L + i);
        int f = fs.open("/v" + i, org.sego.api.posix.Fcntl.O_CREAT);
        fs.write(f, buf, 4096);
        fs.fsync(f);
        fs.close(f);
        fs.commit();
        synchronized (durable) {
          durable.add(i);
        }
      }
    }, (p, label, value) -> {});
    assertTrue(first.runUntil(3_000_000), "the crash comes mid-run");
    first.crash(true, org.sego.api.storage.PowerFailure.loseAll());
    List<String> wrong = new ArrayList<>();
    try (SystemRun second = SystemRun.reboot(first)) {
      second.bootGuest();
      int pid = second.startHap(t -> {
        var fs = t.files();
        long buf = t.allocateSecure(4096);
        for (int i : durable) {
          int f = fs.open("/v" + i, 0);
          if (f < 0 || fs.read(f, buf, 4096) != 4096 || t.user().load64(buf) != 1000L + i) {
            wrong.add("/v" + i);
          }
          fs.close(f);
        }
        t.syscalls().exit(0);
      }, (p, label, value) -> {});
      second.run();
      assertEquals(0, second.exitStatuses().get(pid));
      assertEquals(0, second.stats().value("system.guest.fs.fsck-problems"));
    }
    assertTrue(!durable.isEmpty(), "some files were committed before the crash");
    assertEquals(List.of(), wrong);
  }

  @Test
  void everySystemCallIsInterposedNoneLeftToTheEnosysDefault() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Class<?> c : List.of(InterposedSyscalls.class, HapSyscalls.class)) {
      for (java.lang.reflect.Method m : org.sego.api.posix.Syscalls.class.getMethods()) {
        try {
          c.getDeclaredMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
          missing.add(c.getSimpleName() + "." + m.getName());
        }
      }
    }
    assertEquals(List.of(), missing, "system calls the library does not interpose");
  }

  @Test
  void readAndWriteLargerThanTheBounceAreaMoveEveryByte() {
    long size = 3 * HapRuntime.BOUNCE_BYTES + 12345;
    List<String> out = new ArrayList<>();
    SegoSystem s = SegoSystem.builder().memory("64 MiB").guest("linuxlike", Map.of("fs-device", "disk"))
        .device("disk", "nvme", Map.of("size", "16 MiB")).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      int pid = run.startHap(t -> {
        var sys = t.syscalls();
        var u = t.user();
        long src = t.allocateSecure(size);
        long dst = t.allocateSecure(size);
        for (long i = 0; i + 8 <= size; i += 8) {
          u.store64(src + i, i * 31 + 7);
        }
        int fd = sys.open("/big", org.sego.api.posix.Fcntl.O_CREAT | org.sego.api.posix.Fcntl.O_RDWR);
        t.emit("write", sys.write(fd, src, size));
        t.emit("pread", sys.pread(fd, dst, size, 0));
        long wrong = 0;
        for (long i = 0; i + 8 <= size; i += 8) {
          wrong += u.load64(dst + i) == i * 31 + 7 ? 0 : 1;
        }
        t.emit("wrong", wrong);
        t.emit("pwrite", sys.pwrite(fd, src, 100, size - 50));
        t.emit("read at end", sys.read(fd, dst, 10));
        t.emit("negative", sys.pread(fd, dst, 10, -1));
        t.emit("bad fd", sys.write(99, src, 10));
        sys.exit(0);
      }, (p, label, value) -> out.add(label + "=" + value));
      run.run();
      assertEquals(0, run.exitStatuses().get(pid));
    }
    assertEquals(List.of("write=" + size, "pread=" + size, "wrong=0", "pwrite=100", "read at end=10",
        "negative=-22", "bad fd=-9"), out);
  }

  @Test
  void theLibraryRequiresOnlyTheApi() {
    ModuleDescriptor d = TrustedLibrary.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertTrue(d.provides().stream().anyMatch(p -> p.service().equals("org.sego.api.wiring.HapLauncher")));
  }
}
