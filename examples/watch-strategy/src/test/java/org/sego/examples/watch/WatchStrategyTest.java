package org.sego.examples.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.hap.HapProgram;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.storage.PowerFailure;
import org.sego.core.SegoSystem;
import org.sego.core.run.AdversaryLog;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;
import org.sego.core.run.SystemRun;
import org.sego.support.PluginModuleRules;

/** The watch strategy does a strategy's job with what {@code sego-api} gives it, and nothing else. */
class WatchStrategyTest {
  private static final PluginRegistry REGISTRY = PluginRegistry.discover();

  private static AttackResult judge(String attack, Map<String, Object> strategyParams, Map<String, Object> attackParams) {
    AttackProvider a = (AttackProvider) REGISTRY.find(PluginKind.ATTACK, attack).orElseThrow();
    Map<String, Object> tree = Judge.defaultSystem("watch", 7);
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) tree.get("strategy");
    s.putAll(strategyParams);
    Parameters p = new org.sego.core.compose.SpecValidator(REGISTRY).resolveParameters("attack." + attack, a, attackParams);
    return new Judge(REGISTRY).judge(tree, a, p, null);
  }

  @Test
  void requiresOnlyTheApiAndPassesDiscoverysChecks() {
    ModuleDescriptor d = WatchStrategy.class.getModule().getDescriptor();
    assertEquals(Set.of("java.base", "org.sego.api"),
        d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    assertEquals(List.of(), PluginModuleRules.check(d));
  }

  @Test
  void aKernelWriteToAWatchedFrameIsDetectedAndTheSwitchedOffCheckLetsItCorrupt() {
    AttackResult on = judge("write-hap-page", Map.of(), Map.of());
    assertEquals(Outcome.DETECTED, on.outcome(), on.evidence() + " " + on.attackRun());
    assertTrue(on.claimed(), "watch claims integrity against the OS");
    assertTrue(on.haltedHap());
    assertTrue(on.evidence().get(0).contains("the kernel wrote frame"), on.evidence().toString());
    AttackResult off = judge("write-hap-page", Map.of("check-kernel-writes", false), Map.of());
    assertEquals(Outcome.CORRUPTED, off.outcome(), off.evidence().toString());
  }

  @Test
  void aReadIsNotPreventedBecauseWatchClaimsNoConfidentiality() {
    AttackResult r = judge("read-hap-page", Map.of(), Map.of());
    assertEquals(Outcome.LEAKED, r.outcome(), r.evidence().toString());
    assertFalse(r.claimed());
  }

  static final int PAGES = 8;

  /**
   * A lifecycle probe (no judge needed): a HAP watches {@link #PAGES} pages and asks its own
   * hypercall how many frames the strategy watches; in boot 0 the kernel first sends that hypercall
   * in the HAP's name, then crashes the machine, and the HAP runs again in boot 1.
   */
  private static List<String> lifecycle(boolean power, List<String> kernelAnswers) {
    HapProgram probe = t -> {
      long base = t.allocateSecure(PAGES * 4096L);
      byte[] page = new byte[4096];
      for (int i = 0; i < PAGES; i++) {
        java.util.Arrays.fill(page, (byte) (i + 1));
        t.user().write(base + i * 4096L, page, 0, page.length);
      }
      t.syscalls().clockNanos();
      HypercallResult r = t.user().hypercalls().call(new WatchStrategy.WatchedFrames());
      t.emit("watched", r instanceof HypercallResult.Ok ? ((HypercallResult.Ok) r).value() : -1);
      t.syscalls().exit(0);
    };
    List<String> out = new ArrayList<>();
    AdversaryLog log = new AdversaryLog();
    SystemRun run = SegoSystem.fromTree("watch lifecycle", Judge.defaultSystem("watch", 7), REGISTRY).start();
    try {
      for (int boot = 0; boot < 2; boot++) {
        run.bootGuest();
        int pid = run.startHap(probe, (p, label, value) -> out.add(label + "=" + value));
        AdversaryOps ops = run.adversary(log, pid, boot);
        int b = boot;
        run.installHooks(new KernelHooks() {
          @Override
          public void syscallEntry(int p, String syscall) {
            if (b == 0 && p == ops.victimPid() && syscall.equals("clockNanos")) {
              kernelAnswers.add(ops.hypercall(new WatchStrategy.WatchedFrames()).toString());
              ops.crash(power);
            }
          }
        }, log);
        run.runUntil(Long.MAX_VALUE);
        if (run.adversaryCrash() == 0) {
          break;
        }
        run.crash(power, PowerFailure.loseAll());
        out.add("reboot");
        run = SystemRun.reboot(run);
      }
    } finally {
      run.close();
    }
    return out;
  }

  @Test
  void theHapsOwnHypercallIsAnsweredForTheHapAndRefusedFromTheKernelsPortAndStateOutlivesOnlyAGuestCrash() {
    List<String> kernel = new ArrayList<>();
    assertEquals(List.of("reboot", "watched=" + 2 * PAGES), lifecycle(false, kernel),
        "after a guest crash the same instance counts both boots' frames");
    assertTrue(kernel.get(0).startsWith("Refused"), kernel.toString());
    assertEquals(List.of("reboot", "watched=" + PAGES), lifecycle(true, new ArrayList<>()),
        "after a power failure a fresh instance starts from nothing");
  }

  @Test
  void describeShowsItsClaimAndItsCheckWithTheSwitch() {
    SystemRun.StrategyFacts f = SystemRun.describeStrategy(REGISTRY, "watch");
    assertEquals("integrity", f.claims().get(0).property());
    assertEquals("check-kernel-writes", f.checks().get(0).parameter());
  }
}
