package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sego.api.posix.Signals;
import org.sego.api.sim.Registers;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.run.SystemRun;

/**
 * A HAP's registers under sego: saved and scrubbed at every kernel entry (the off-switch stops it),
 * and a signal handler's registers never leak into the code it interrupted — after {@code
 * rt_sigreturn} the HAP goes on with the registers it had, which the hypervisor kept (the kernel's
 * signal frame holds only the scrubbed ones it was shown).
 */
class SegoRegistersTest {
  record Outcome(List<Long> seen, long scrubs) {}

  static Outcome run(String strategy, Map<String, ?> params) {
    SegoSystem s = SegoSystem.builder(PluginRegistry.discover()).memory("64 MiB").seed(4).strategy(strategy, params)
        .guest("linuxlike", Map.of()).build();
    List<Long> seen = new ArrayList<>();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      run.startHap(t -> {
        long[] r = t.user().registers();
        t.syscalls().sigaction(Signals.SIGUSR1, (u, sig) -> u.registers()[Registers.RBX] = 0x2222);
        r[Registers.RBX] = 0x1111;
        t.syscalls().kill(t.user().pid(), Signals.SIGUSR1);
        seen.add(t.user().registers()[Registers.RBX]);
        t.syscalls().getpid();
        seen.add(t.user().registers()[Registers.RBX]);
      }, (p, l, v) -> {});
      run.run();
      return new Outcome(seen, run.stats().value("system.hv.register-scrubs"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "sego"})
  void aSignalHandlersRegistersDoNotSurviveItsReturn(String strategy) {
    Outcome o = run(strategy, Map.of());
    assertEquals(List.of(0x1111L, 0x1111L), o.seen(), "the interrupted code's RBX, after the handler and after a later call");
    if (strategy.equals("sego")) {
      assertTrue(o.scrubs() > 0, "every kernel entry scrubbed: " + o.scrubs());
    }
  }

  @org.junit.jupiter.api.Test
  void withRegisterScrubOffNothingIsScrubbed() {
    assertEquals(0, run("sego", Map.of("register-scrub", false)).scrubs());
  }
}
