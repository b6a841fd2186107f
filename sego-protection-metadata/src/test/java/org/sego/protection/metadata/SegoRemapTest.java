package org.sego.protection.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.attack.Victim;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.core.SegoSystem;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecValidator;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;
import org.sego.core.run.AdversaryLog;
import org.sego.core.run.SystemRun;

/**
 * The kernel's remappings of a HAP's memory under sego, each caught by paraverification with the
 * check cited (the catalogue's {@code remap-hap-page}, which swaps two PTEs and invalidates them, is
 * in {@link SegoAttacksTest}): the same swap with the TLB invalidation skipped, an OS frame put in
 * place of a HAP page and another HAP's frame mapped into a HAP (both asked by {@code install-pte},
 * whose refusal changes nothing), and a HAP frame aliased into a process of the adversary's own.
 */
class SegoRemapTest {
  static final long ADDR = 0x000F_FFFF_FFFF_F000L;

  /** An attack on {@code secret-pages} that does {@code action} once, at the victim's first round. */
  static AttackProvider atFirstRound(String name, String property, Consumer<AdversaryOps> action) {
    return new AttackProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return name;
      }

      @Override
      public String property() {
        return property;
      }

      @Override
      public Victim victim(Parameters p) {
        return Victim.of("secret-pages");
      }

      @Override
      public Attack create(Parameters p, long seed) {
        return (ops, benign) -> new KernelHooks() {
          private boolean done;

          @Override
          public void syscallEntry(int pid, String syscall) {
            if (!benign && !done && pid == ops.victimPid() && syscall.equals("clockNanos")) {
              done = true;
              action.accept(ops);
            }
          }
        };
      }
    };
  }

  static AttackResult judge(AttackProvider a) {
    PluginRegistry registry = SegoAttacksTest.REGISTRY;
    Parameters p = new SpecValidator(registry).resolveParameters("attack", a, Map.of());
    return new Judge(registry).judgeWithBaseline(Judge.defaultSystem("sego", 3), Path.of(""), a, p, null);
  }

  static void assertDetectedCiting(AttackResult r, String cite) {
    assertEquals(Outcome.DETECTED, r.outcome(), r.evidence().toString());
    assertTrue(String.join(" ", r.evidence()).contains(cite), r.evidence().toString());
  }

  /** (Under none this one does nothing the victim sees: its TLB keeps the old translations.) */
  @Test
  void swappingTwoPtesWithoutTheInvalidationIsDetected() {
    assertDetectedCiting(judge(atFirstRound("swap-no-invlpg", "integrity", ops -> {
      int pid = ops.victimPid();
      long[] pages = ops.residentPages(pid);
      long a = ops.readPte(pid, pages[1]);
      long b = ops.readPte(pid, pages[2]);
      ops.writePte(pid, pages[1], b, false);
      ops.writePte(pid, pages[2], a, false);
    })), "check intent");
  }

  @Test
  void anOsFrameInPlaceOfAHapPageIsDetected() {
    AttackResult r = judge(atFirstRound("os-frame-in", "integrity", ops -> {
      int pid = ops.victimPid();
      long osFrame = SegoKernelMisuseTest.osFrame(ops) << 12; // an OS frame (a table of the adversary's own process)
      long page = ops.residentPages(pid)[1];
      // Asked of the hypervisor (the direct write is remap-hap-page's): the kernel's books stay whole.
      ops.hypercall(new KernelHypercalls.InstallPte(pid, page, (ops.readPte(pid, page) & ~ADDR) | osFrame));
    }));
    assertDetectedCiting(r, "not in this OS frame");
  }

  @Test
  void aPageTableInPlaceOfAHapPageIsDetected() {
    AttackResult r = judge(atFirstRound("table-in", "integrity", ops -> {
      int pid = ops.victimPid();
      long page = ops.residentPages(pid)[1];
      ops.hypercall(new KernelHypercalls.InstallPte(pid, page, (ops.readPte(pid, page) & ~ADDR) | (ops.cr3(pid) & ADDR)));
    }));
    assertDetectedCiting(r, "the frame is a page table");
  }

  @Test
  void aHapFrameAliasedIntoTheAdversarysProcessIsDenied() {
    AttackResult r = judge(atFirstRound("alias-out", "confidentiality-ram", ops -> {
      int own = ops.createProcess();
      long[] stack = ops.stackOf(own);
      long gfn = (ops.readPte(ops.victimPid(), ops.residentPages(ops.victimPid())[0]) & ADDR) >>> 12;
      ops.mapFrame(own, stack[1] - 8192, gfn, false);
      ops.readAs(own, stack[1] - 8192);
    }));
    assertEquals(Outcome.PREVENTED, r.outcome(), r.evidence().toString());
    assertEquals(Outcome.LEAKED, r.baseline().orElseThrow().outcome());
  }

  @Test
  void anotherHapsFrameMappedIntoAHapIsAViolationNamingIt() {
    SegoSystem s = SegoSystem.builder(PluginRegistry.discover()).memory("64 MiB").seed(9).strategy("sego")
        .guest("linuxlike", Map.of()).build();
    try (SystemRun run = s.start()) {
      run.bootGuest();
      long[] where = new long[2];
      List<Long> seen = new ArrayList<>();
      int b = run.startHap(t -> {
        where[1] = t.allocateSecure(4096);
        t.user().store64(where[1], 0xB0B);
        for (int i = 0; i < 50; i++) {
          t.syscalls().yield();
        }
      }, (p, l, v) -> {});
      int a = run.startHap(t -> {
        where[0] = t.allocateSecure(4096);
        t.user().store64(where[0], 0xA11CE);
        t.syscalls().getpid(); // the kernel remaps here
        seen.add(t.user().load64(where[0]));
      }, (p, l, v) -> {});
      AdversaryOps ops = run.adversary(new AdversaryLog(), a);
      run.installHooks(new KernelHooks() {
        @Override
        public void syscallEntry(int pid, String syscall) {
          if (pid == a && syscall.equals("getpid")) {
            long other = ops.readPte(b, where[1]) & ADDR;
            ops.hypercall(new KernelHypercalls.InstallPte(a, where[0], (ops.readPte(a, where[0]) & ~ADDR) | other));
          }
        }
      }, new AdversaryLog());
      run.run();
      assertEquals(List.of(), seen, "HAP " + a + " was halted before it read anything");
      assertTrue(run.violations().stream().anyMatch(v -> v.contains("check intent") && v.contains("of HAP " + b)),
          run.violations().toString());
    }
  }
}
