package it.clean;

import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Victim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameters;

/**
 * An attack that proves nothing: at the victim's first round it overwrites a swap block nothing
 * reads, so even under {@code none} nothing reaches the victim (PREVENTED), and {@code sego attack}
 * must say so and fail.
 */
public final class UselessAttack extends AttackProvider {
  @Override
  public String name() {
    return "it-useless";
  }

  @Override
  public String description() {
    return "Test: writes a swap block nothing reads";
  }

  @Override
  public String property() {
    return "integrity";
  }

  @Override
  public Victim victim(Parameters parameters) {
    return Victim.of("secret-pages");
  }

  @Override
  public Attack create(Parameters parameters, long seed) {
    return (ops, benign) -> new KernelHooks() {
      private boolean done;

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (!benign && !done && pid == ops.victimPid() && syscall.equals("clockNanos")) {
          done = true;
          ops.writeBlock("swap", 3, new byte[4096]);
        }
      }
    };
  }
}
