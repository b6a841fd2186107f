package org.sego.attacks;

import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.attack.Victim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;

/** The victim ({@code secret-pages}) and parameters the memory attacks share. */
abstract class VictimAttack extends AttackProvider {
  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", defaultPages(), 4, 1 << 20, "pages", "secret pages the victim HAP holds"),
        Parameter.integer("rounds", 6, 2, 1000, "rounds", "rounds of read-back, digest and rewrite"));
  }

  int defaultPages() {
    return 64;
  }

  /** The victim library's {@code secret-pages}, with this attack's pages and rounds. */
  @Override
  public Victim victim(Parameters p) {
    return new Victim("secret-pages", java.util.Map.of("pages", p.integer("pages"), "rounds", p.integer("rounds")));
  }

  /**
   * An attack that acts once, at the victim's first round (its first {@code clockNanos} system
   * call); its twin installs the same hook and does nothing.
   */
  static Attack onceAtFirstRound(java.util.function.Consumer<AdversaryOps> action) {
    return (ops, benign) -> new KernelHooks() {
      private boolean done;

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (benign || done || pid != ops.victimPid() || !syscall.equals("clockNanos")) {
          return;
        }
        done = true;
        action.accept(ops);
      }
    };
  }

  /** The victim's lowest resident pages: its secure area lies below the library's bounce area. */
  static long[] victimPages(AdversaryOps ops, int count) {
    long[] all = ops.residentPages(ops.victimPid());
    long[] out = new long[Math.min(count, all.length)];
    System.arraycopy(all, 0, out, 0, out.length);
    return out;
  }

  static long frameOf(long pte) {
    return (pte & 0x000F_FFFF_FFFF_F000L) >>> 12;
  }
}
