package org.sego.examples.isolate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Outcome;
import org.sego.api.attack.Victim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.SpecValidator;
import org.sego.core.judge.AttackResult;
import org.sego.core.judge.Judge;

/** The adversary's DMA of a HAP's withheld frame: refused by isolate, a leak under none. */
class IsolateAdversaryTest {
  /** At the victim's first round, DMA its lowest page to a swap block and read the block. */
  static final AttackProvider DMA_OUT = new AttackProvider() {
    @Override
    public String name() {
      return "test-dma-out";
    }

    @Override
    public String description() {
      return "DMAs a victim frame to a swap block and reads the block";
    }

    @Override
    public String property() {
      return "confidentiality-ram";
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
          if (benign || done || pid != ops.victimPid() || !syscall.equals("clockNanos")) {
            return;
          }
          done = true;
          long gfn = (ops.readPte(pid, ops.residentPages(pid)[0]) & 0x000F_FFFF_FFFF_F000L) >>> 12;
          if (ops.dmaFromFrame(gfn, "swap", 1000)) {
            ops.readBlock("swap", 1000);
          }
        }
      };
    }
  };

  @Test
  void theAdversarysDmaOfAWithheldFrameIsRefused() {
    PluginRegistry registry = PluginRegistry.discover();
    Parameters p = new SpecValidator(registry).resolveParameters("attack", DMA_OUT, Map.of());
    AttackResult r = new Judge(registry).judgeWithBaseline(Judge.defaultSystem("isolate", 3), java.nio.file.Path.of(""),
        DMA_OUT, p, null);
    assertEquals(Outcome.PREVENTED, r.outcome(), r.evidence().toString());
    assertTrue(r.claimed() && !r.claimViolated());
    assertTrue(r.evidence().get(0).contains("refused by the virtual device"), r.evidence().toString());
    assertEquals(Outcome.LEAKED, r.baseline().orElseThrow().outcome(), "the same DMA leaks under none");
  }
}
