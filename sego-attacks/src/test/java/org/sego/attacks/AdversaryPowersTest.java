package org.sego.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.attack.Victim;
import org.sego.api.hv.Claim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;

/** Each power of the adversary, used by a test attack that succeeds against {@code none}. */
class AdversaryPowersTest {
  private static AttackResult judge(AttackProvider a) {
    return JudgeTest.judge("none", a);
  }

  private static void assertSucceeds(AttackResult r, Outcome expected) {
    assertEquals(expected, r.outcome(), r.evidence() + " " + r.attackRun());
    assertEquals(List.of(), r.twinRun().violations());
    assertEquals(r.twinRun().output().contains("reboot=1") ? 1 : 0, r.twinRun().adversaryEffects(),
        "the twin changes nothing (but crash where the attack crashes)");
  }

  /** A test attack on the victim library's secret-files, with the file attacks' guest set-up. */
  private static AttackProvider fileAttack(String name, Claim.Adversary adversary, java.util.function.BiFunction<Parameters, Long, Attack> create) {
    return TestAttack.onFiles(name, create).property("confidentiality-rest").adversary(adversary);
  }

  @Test
  void dmaFromAVictimFrameToABlockLeaksAndFromABlockIntoItCorrupts() {
    assertSucceeds(judge(JudgeTest.atFirstRound("test-dma-out", ops -> {
      ops.dmaFromFrame(JudgeTest.victimFrame(ops, 0), "swap", 11);
      ops.readBlock("swap", 11);
    })), Outcome.LEAKED);
    assertSucceeds(judge(JudgeTest.atFirstRound("test-dma-in", ops ->
        ops.dmaToFrame("swap", 12, JudgeTest.victimFrame(ops, 0)))), Outcome.CORRUPTED);
  }

  /** Swaps the frames of the victim's 2nd and 3rd pages without invalidating; then {@code after} acts. */
  private static AttackProvider staleSwap(String name, java.util.function.BiConsumer<AdversaryOps, Long> after) {
    return JudgeTest.atFirstRound(name, ops -> {
      long[] pages = VictimAttack.victimPages(ops, 3);
      int pid = ops.victimPid();
      long a = ops.readPte(pid, pages[1]);
      long b = ops.readPte(pid, pages[2]);
      ops.writePte(pid, pages[1], b, false);
      ops.writePte(pid, pages[2], a, false);
      after.accept(ops, VictimAttack.frameOf(a));
    });
  }

  @Test
  void aPteRewrittenWithoutInvalidationLeavesTheStaleTranslationInUse() {
    // The swap alone changes nothing the victim sees: its TLB keeps translating through the old frames.
    AttackResult alone = judge(staleSwap("test-stale-tlb", (ops, oldFrame) -> {}));
    assertEquals(Outcome.PREVENTED, alone.outcome(), alone.evidence().toString());
    assertEquals(alone.twinRun().output(), alone.attackRun().output());
    // So the kernel may treat the old frame as free: what it writes there, the victim reads.
    AttackResult reuse = judge(staleSwap("test-stale-tlb-reuse", (ops, oldFrame) -> ops.writeFrame(oldFrame, new byte[4096])));
    assertSucceeds(reuse, Outcome.CORRUPTED);
  }

  @Test
  void aProcessOfTheAdversarysOwnMapsAVictimFrameAndReadsIt() {
    assertSucceeds(judge(JudgeTest.atFirstRound("test-own-process", ops -> {
      int pid = ops.createProcess();
      assertTrue(pid > 0);
      assertTrue(ops.cr3(pid) > 0);
      long[] stack = ops.stackOf(pid);
      assertNotNull(stack);
      long gva = stack[1] - 2 * 4096L;
      assertTrue(ops.mapFrame(pid, gva, JudgeTest.victimFrame(ops, 0), false));
      assertNotNull(ops.readAs(pid, gva));
    })), Outcome.LEAKED);
  }

  @Test
  void theSystemCallArgumentsShowTheKernelTheBufferToRead() {
    AttackProvider a = fileAttack("test-syscall-args", Claim.Adversary.GUEST_OS, (p, seed) -> (ops, benign) -> new KernelHooks() {
      private int reads;

      @Override
      public void syscallEntry(int pid, String syscall, List<Object> args) {
        // A secure file is a mapping the library syncs with msync(address, length, flags): the
        // address argument tells the kernel where the file's pages are.
        if (benign || pid != ops.victimPid() || !syscall.equals("msync") || reads > 4) {
          return;
        }
        long buffer = ((Number) args.get(0)).longValue();
        long pte = ops.readPte(pid, buffer);
        if (pte != 0) {
          reads++;
          ops.readFrame(VictimAttack.frameOf(pte));
        }
      }
    });
    assertSucceeds(judge(a), Outcome.LEAKED);
  }

  @Test
  void aForgedSwapEntryBeyondTheDeviceFailsTheVictimsAccessNotTheRun() {
    // A non-present entry with the swap bit (1 << 9) naming a slot far beyond the 64 MiB device.
    long forged = (1L << 39 << 12) | (1L << 9);
    AttackResult r = judge(JudgeTest.atFirstRound("test-forged-swap-entry", ops -> {
      long[] pages = VictimAttack.victimPages(ops, 2);
      ops.writePte(ops.victimPid(), pages[1], forged, true);
    }));
    // Without a swap device the kernel treats it as a bad swap entry: the victim stops, the judge decides.
    assertEquals(List.of(), r.twinRun().violations());
    assertTrue(r.attackRun().victimExitStatus() != 0, "the victim's access failed: " + r.attackRun());
    // With one, the kernel reads that slot and the device fails the request.
    AttackProvider withSwap = TestAttack.onPages("test-forged-swap-slot", (p, seed) -> (ops, benign) -> new KernelHooks() {
      private boolean done;

      @Override
      public void swappedOut(int pid, long vpn, long slot) {
        if (!benign && !done && pid == ops.victimPid()) {
          done = true;
          ops.writePte(pid, vpn << 12, forged, true);
        }
      }
    }).guest(Map.of("memory-limit", "8 MiB", "swap-device", "swap", "thp", false))
        .victim(new Victim("secret-pages", Map.of("pages", 3072L, "rounds", 2L)));
    AttackResult s = judge(withSwap);
    assertEquals(List.of(), s.twinRun().violations());
    assertTrue(s.attackRun().victimExitStatus() != 0, "the victim's access failed: " + s.attackRun());
  }

  @Test
  void replayingAnOldSwapWriteAfterItsFrameWasReusedCorrupts() {
    AttackProvider a = TestAttack.onPages("test-replay-write", (p, seed) -> (ops, benign) -> new KernelHooks() {
      private final List<Long> slots = new ArrayList<>();
      private int replays;

      @Override
      public void swappedOut(int pid, long vpn, long slot) {
        if (benign || pid != ops.victimPid() || replays >= 8) {
          return;
        }
        slots.add(slot);
        if (slots.size() > 64) {
          // The request of a page swapped out long ago: its frame now holds something else.
          ops.replayWrite("swap", slots.get(slots.size() - 64));
          replays++;
        }
      }
    }).guest(Map.of("memory-limit", "8 MiB", "swap-device", "swap", "thp", false))
        .victim(new Victim("secret-pages", Map.of("pages", 3072L, "rounds", 3L)));
    assertSucceeds(judge(a), Outcome.CORRUPTED);
  }

  @Test
  void heldIoIsDelayedAndSentInReverseOrder() {
    List<String> seen = new ArrayList<>();
    AttackProvider a = fileAttack("test-hold-io", Claim.Adversary.GUEST_OS, (p, seed) -> (ops, benign) -> new KernelHooks() {
      private boolean holding;
      private boolean released;

      @Override
      public void fsyncBegin(int pid, long inode) {
        if (!benign && !holding && !released) {
          ops.holdIo(FileAttack.DISK);
          holding = true;
        }
      }

      @Override
      public void tick(long now) {
        if (holding) {
          holding = false;
          released = true;
          seen.add("released " + ops.releaseIo(FileAttack.DISK, true));
        }
      }
    });
    AttackResult r = judge(a);
    assertEquals(1, seen.size(), seen.toString());
    assertTrue(!seen.get(0).equals("released 0"), "the fsync's writes were held until the tick: " + seen);
    assertEquals(r.twinRun().output(), r.attackRun().output(), "delaying and reordering the batch alone corrupts nothing");
  }

  @Test
  void theFileSystemsHooksFireAndWriteBackShowsTheBlocksToRead() {
    Set<String> fired = new LinkedHashSet<>();
    AttackProvider a = fileAttack("test-fs-hooks", Claim.Adversary.GUEST_OS, (p, seed) -> (ops, benign) -> new KernelHooks() {
      private final List<Long> written = new ArrayList<>();

      @Override
      public void pageCacheLookup(String device, long block, boolean hit) {
        fired.add("page-cache-lookup");
      }

      @Override
      public void writeBack(String device, long block) {
        fired.add("write-back");
        written.add(block);
      }

      @Override
      public void journalCommit(String device, long sequence) {
        fired.add("journal-commit");
      }

      @Override
      public void fsyncBegin(int pid, long inode) {
        fired.add("fsync-begin");
      }

      @Override
      public boolean blockSubmit(String device, long block, boolean write) {
        fired.add("block-submit " + device);
        return true;
      }

      @Override
      public void fsyncEnd(int pid, long inode, int status) {
        fired.add("fsync-end");
        if (!benign && !written.isEmpty()) {
          for (long b : written) {
            ops.readBlock(device(), b);
          }
          written.clear();
        }
      }

      private String device() {
        return FileAttack.DISK;
      }
    });
    assertSucceeds(judge(a), Outcome.LEAKED);
    assertTrue(fired.containsAll(List.of("page-cache-lookup", "write-back", "journal-commit", "fsync-begin", "fsync-end",
        "block-submit disk")), fired.toString());
  }

  @Test
  void thePhysicalAdversaryReadsTheDiskAtRestAndChoosesWhatSurvivesAPowerFailure() {
    AttackProvider a = fileAttack("test-physical", Claim.Adversary.PHYSICAL, (p, seed) -> (ops, benign) -> new KernelHooks() {
      private int fsyncs;

      @Override
      public void fsyncEnd(int pid, long inode, int status) {
        if (ops.boot() != 0 || ++fsyncs != 2) {
          return;
        }
        var physical = ops.physical().orElseThrow();
        if (!benign) {
          for (long b = 0; b < physical.blocks(FileAttack.DISK); b += 1) {
            if (physical.readAtRest(FileAttack.DISK, b) == null) {
              break;
            }
            if (b > 4096) {
              break;
            }
          }
        }
        // Both runs lose power here; every unflushed write is torn: only its first 512 bytes survive.
        physical.powerFail((w, units) -> 1L);
      }
    });
    AttackResult r = judge(a);
    assertSucceeds(r, Outcome.LEAKED);
    assertEquals("PHYSICAL", r.adversary());
    assertTrue(r.attackRun().output().contains("reboot=1"), r.attackRun().output().toString());
    assertTrue(JudgeTest.atFirstRound("x", o -> {}).adversary() == Claim.Adversary.GUEST_OS);
  }

  @Test
  void aGuestOsAttackHasNoPhysicalAccess() {
    boolean[] present = {true};
    judge(JudgeTest.atFirstRound("test-no-physical", ops -> present[0] = ops.physical().isPresent()));
    assertTrue(!present[0]);
  }
}
