package org.sego.attacks;

import org.sego.api.attack.Attack;
import org.sego.api.plugin.Parameters;

/** The kernel swaps the frames behind two of the victim's pages by rewriting their PTEs. */
public final class RemapHapPageAttack extends VictimAttack {
  @Override
  public String name() {
    return "remap-hap-page";
  }

  @Override
  public String description() {
    return "The kernel rewrites the victim's page tables so two secret pages map each other's frames (integrity)";
  }

  @Override
  public String property() {
    return "integrity";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return onceAtFirstRound(ops -> {
      long[] pages = victimPages(ops, 4);
      if (pages.length > 2) {
        int pid = ops.victimPid();
        long a = ops.readPte(pid, pages[1]);
        long b = ops.readPte(pid, pages[2]);
        ops.writePte(pid, pages[1], b);
        ops.writePte(pid, pages[2], a);
      }
    });
  }
}
