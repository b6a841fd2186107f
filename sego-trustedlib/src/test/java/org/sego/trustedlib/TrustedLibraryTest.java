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
  void theLibraryRequiresOnlyTheApi() {
    ModuleDescriptor d = TrustedLibrary.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertTrue(d.provides().stream().anyMatch(p -> p.service().equals("org.sego.api.hap.HapLauncher")));
  }
}
