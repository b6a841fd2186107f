package org.sego.attacks;

import static org.sego.attacks.JudgeTest.READ;
import static org.sego.attacks.JudgeTest.REGISTRY;
import static org.sego.attacks.JudgeTest.atFirstRound;
import static org.sego.attacks.JudgeTest.attack;
import static org.sego.attacks.JudgeTest.judge;
import static org.sego.attacks.JudgeTest.params;
import static org.sego.attacks.JudgeTest.registry;
import static org.sego.attacks.JudgeTest.victimFrame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.attack.Victim;
import org.sego.api.hap.HapProgram;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.VictimProvider;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecException;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;

/**
 * The judge owns what it judges: each cheat a careless or dishonest attack might try is refused at
 * discovery or scores nothing; the twin must be benign; every run gets fresh images.
 */
class JudgeOwnershipTest {
  // ---- the judge owns what it judges -----------------------------------------------------------------

  @Test
  void anAttackCannotChooseTheGuestKernel() {
    AttackProvider chooser = TestAttack.onPages("test-own-kernel", READ::create).guest(Map.of("name", "evil-kernel"));
    SpecException e = assertThrows(SpecException.class, () -> judge("none", chooser));
    assertTrue(e.getMessage().contains("may not choose the guest kernel"), e.getMessage());
  }

  /** A victim an attack module would like to supply: its static field would hand the victim's runtime to the hooks. */
  static final class SmuggledVictim extends VictimProvider {
    static org.sego.api.hap.TrustedRuntime leaked;

    @Override
    public String name() {
      return "smuggled";
    }

    @Override
    public String description() {
      return "a victim outside the victim library";
    }

    @Override
    public HapProgram program(Parameters p, long canarySeed) {
      return t -> {
        leaked = t;
        t.syscalls().exit(0);
      };
    }

    @Override
    public long secretPages(Parameters p) {
      return 1;
    }
  }

  @Test
  void aVictimFromOutsideTheVictimLibraryIsRefusedAtDiscovery() {
    PluginRegistry r = registry(List.of(new SmuggledVictim()));
    assertTrue(r.find(PluginKind.VICTIM, "smuggled").isEmpty());
    assertTrue(r.refused().stream().anyMatch(x -> x.toString().contains("victims come only from the trusted victim library")),
        r.refused().toString());
    assertTrue(r.find(PluginKind.VICTIM, "secret-pages").isPresent(), "the library's victims are there");
    AttackProvider wantsIt = TestAttack.onPages("test-smuggle", READ::create).victim(Victim.of("smuggled"));
    SpecException e = assertThrows(SpecException.class,
        () -> new Judge(r).judge(Judge.defaultSystem("none", 7), wantsIt, params(wantsIt), null));
    assertTrue(e.getMessage().contains("does not have"), e.getMessage());
  }

  @Test
  void canariedBytesTheAdversaryWroteItselfNeverCountAsObserved() {
    // A cheat that even knows how the judge derives the canary seed: it writes the victim's exact
    // canaried pages to a swap block and reads them back.
    AttackProvider forger = attack("test-forge", (p, seed) -> VictimAttack.onceAtFirstRound(ops -> {
      long canarySeed = org.sego.support.RandomStreams.mix(7, "judge.victim.canaries");
      var canaries = new org.sego.api.attack.Canaries(canarySeed, 64);
      byte[] page = new byte[4096];
      canaries.fill(page, 0, 0);
      assertTrue(canaries.foundIn(page), "the forged page does hold the victim's canaries");
      ops.writeBlock("swap", 9, page);
      ops.readBlock("swap", 9);
      // One 8-byte canary word alone, written short and read back.
      ops.writeBlock("swap", 10, java.util.Arrays.copyOf(page, 8));
      ops.readBlock("swap", 10);
    }));
    AttackResult r = judge("none", forger);
    assertNotEquals(Outcome.LEAKED, r.outcome(), r.evidence().toString());
    assertEquals(Outcome.PREVENTED, r.outcome(), r.evidence().toString());
  }

  @Test
  void operationsKeptFromBootZeroAreRefusedInBootOne() {
    AttackProvider keeper = attack("test-keep-ops", (p, seed) -> {
      AdversaryOps[] first = {null};
      List<String> refusals = new ArrayList<>();
      return (ops, benign) -> new KernelHooks() {
        @Override
        public void syscallEntry(int pid, String syscall) {
          if (pid != ops.victimPid() || !syscall.equals("clockNanos")) {
            return;
          }
          if (ops.boot() == 0) {
            first[0] = ops;
            ops.crash(false);
          }
          if (!benign && ops.boot() == 1 && refusals.isEmpty()) {
            try {
              first[0].readFrame(victimFrame(first[0], 0));
            } catch (IllegalStateException e) {
              refusals.add(e.getMessage());
            }
          }
        }
      };
    });
    AttackResult r = judge("none", keeper);
    assertNotEquals(Outcome.LEAKED, r.outcome(), r.evidence().toString());
    assertTrue(r.evidence().stream().anyMatch(e -> e.contains("operations of an ended boot were refused")),
        r.evidence().toString());
    assertTrue(r.attackRun().output().contains("reboot=1"));
  }

  @Test
  void aCrashEndsTheBootEvenWhenTheAttackCatchesIt() {
    // Both runs crash at the victim's first round (the twin must crash where the attack does); the
    // attack catches the crash and tries to go on reading.
    AttackProvider catcher = attack("test-catch-crash", (p, seed) -> (ops, benign) -> new KernelHooks() {
      @Override
      public void syscallEntry(int pid, String syscall) {
        if (ops.boot() > 0 || pid != ops.victimPid() || !syscall.equals("clockNanos")) {
          return;
        }
        try {
          ops.crash(false);
        } catch (Throwable caught) {
          // keeps going, as a cheat would
        }
        if (!benign) {
          try {
            ops.readFrame(victimFrame(ops, 0));
          } catch (IllegalStateException refused) {
            // the operations ended with the boot
          }
        }
      }
    });
    AttackResult r = judge("none", catcher);
    assertNotEquals(Outcome.LEAKED, r.outcome(), r.evidence().toString());
    List<String> out = r.attackRun().output();
    assertEquals("reboot=1", out.get(0), "boot 0 ended at the crash: the victim emitted nothing in it; " + out);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"stale-file-block", "rollback-file", "lie-file-length",
      "open-other-file", "crash-rollback"})
  void imageBackedSpecsGetFreshCopiesResolvedAgainstTheSpecsFolder(String attack,
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    AttackProvider a = AttacksTest.attack(attack);
    Parameters p = AttacksTest.params(a, Map.of());
    Judge judge = new Judge(REGISTRY);
    AttackResult onMemory = judge.judge(Judge.defaultSystem("none", 7), a, p, null);
    Map<String, Object> tree = Judge.defaultSystem("none", 7);
    tree.put("devices", new java.util.LinkedHashMap<>(Map.of(
        "swap", Map.of("model", "nvme", "size", "64 MiB", "image", "images/swap.img"),
        "disk", Map.of("model", "nvme", "size", "64 MiB", "image", "images/disk.img"))));
    java.nio.file.Path specDir = dir.resolve("spec");
    java.nio.file.Files.createDirectories(specDir.resolve("images"));
    java.nio.file.Path out = dir.resolve("out");
    AttackResult first = judge.judge(tree, specDir, a, p, out);
    assertEquals(onMemory.outcome(), first.outcome(), first.evidence().toString());
    assertEquals(onMemory.attackRun().output(), first.attackRun().output());
    assertFalse(java.nio.file.Files.exists(specDir.resolve("images/disk.img")), "the spec's own images are never written");
    assertTrue(java.nio.file.Files.exists(out.resolve("twin/images/disk.img")), "each run has its fresh copy");
    assertTrue(java.nio.file.Files.exists(out.resolve("attack/images/disk.img")));
    AttackResult again = judge.judge(tree, specDir, a, p, dir.resolve("again"));
    assertEquals(first.toTree(), again.toTree(), "nothing carries over from one judging to the next");
  }

  @Test
  void anExistingImageIsCopiedForEachRunAndLeftAsItWas(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    AttackProvider a = AttacksTest.attack("rollback-file");
    Parameters p = AttacksTest.params(a, Map.of());
    Map<String, Object> tree = Judge.defaultSystem("none", 7);
    tree.put("devices", new java.util.LinkedHashMap<>(Map.of(
        "swap", Map.of("model", "nvme", "size", "64 MiB"),
        "disk", Map.of("model", "nvme", "size", "64 MiB", "image", "disk.img"))));
    Judge judge = new Judge(REGISTRY);
    // An image made by an earlier judging's run stands in for the spec's own image.
    judge.judge(tree, dir, a, p, dir.resolve("make"));
    java.nio.file.Files.copy(dir.resolve("make/attack/images/disk.img"), dir.resolve("disk.img"));
    byte[] before = java.nio.file.Files.readAllBytes(dir.resolve("disk.img"));
    AttackResult r = judge.judge(tree, dir, a, p, dir.resolve("out"));
    assertTrue(r.twinRun().output().get(0).startsWith("recovered-length-0="), "the twin ran on the image's files: "
        + r.twinRun().output());
    assertEquals(r.twinRun().output().get(0), r.attackRun().output().get(0), "and so did the attack run, from the same copy");
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, java.nio.file.Files.readAllBytes(dir.resolve("disk.img")),
        "the spec's image is copied, never written");
  }

  // ---- the twin answers honestly, and stopping the victim is no corruption ------------------------------

  @Test
  void anAttackWhoseTwinChangesSomethingIsRefused() {
    AttackProvider lyingTwin = attack("test-lying-twin", (p, seed) -> (ops, benign) -> new KernelHooks() {
      @Override
      public long syscallResult(int pid, String syscall, long result) {
        return benign && pid == ops.victimPid() && syscall.equals("clockNanos") ? result + 1 : result;
      }
    });
    SpecException e = assertThrows(SpecException.class, () -> judge("none", lyingTwin));
    assertTrue(e.getMessage().contains("benign twin") && e.getMessage().contains("fake-syscall-result"), e.getMessage());
  }

  @Test
  void aCrashOnlyInTheAttackRunIsRefusedNotCorrupted() {
    AttackProvider crasher = atFirstRound("test-crash-only", ops -> ops.crash(false));
    SpecException e = assertThrows(SpecException.class, () -> judge("none", crasher));
    assertTrue(e.getMessage().contains("the twin must crash wherever the attack run crashes"), e.getMessage());
  }

  @Test
  void aVictimStoppedForeverUsedNoWrongValueAndIsNotCorrupted() {
    // Holds the disk's requests and never releases them: the victim blocks at its first fsync.
    AttackProvider holder = TestAttack.onFiles("test-hold-forever", (p, seed) -> (ops, benign) -> new KernelHooks() {
      @Override
      public void fsyncBegin(int pid, long inode) {
        if (!benign) {
          ops.holdIo(FileAttack.DISK);
        }
      }
    });
    AttackResult r = judge("none", holder);
    assertEquals(Outcome.PREVENTED, r.outcome(), r.evidence().toString());
    assertFalse(r.propertyViolated());
    assertTrue(r.evidence().stream().anyMatch(e -> e.contains("having used no wrong value")), r.evidence().toString());
    assertTrue(r.evidence().stream().anyMatch(e -> e.contains("could never run again")), r.evidence().toString());
  }

  @Test
  void theAdversaryCannotReadAsTheVictimNorActBeforeTheBootRuns() {
    AttackResult r = judge("none", atFirstRound("test-read-as-victim", ops -> {
      long gva = VictimAttack.victimPages(ops, 1)[0];
      assertEquals(null, ops.readAs(ops.victimPid(), gva), "the kernel never runs as the HAP");
    }));
    assertEquals(Outcome.PREVENTED, r.outcome(), r.evidence().toString());
    AttackProvider early = attack("test-early", (p, seed) -> (ops, benign) -> {
      ops.crash(false);
      return KernelHooks.NONE;
    });
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> judge("none", early));
    assertTrue(e.getMessage().contains("before the boot runs"), e.getMessage());
  }
}
