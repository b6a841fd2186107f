package org.sego.attacks;

import org.sego.api.attack.Attack;
import org.sego.api.plugin.Parameters;

/** The kernel reads the victim's pages through its own view of memory. */
public final class ReadHapPageAttack extends VictimAttack {
  @Override
  public String name() {
    return "read-hap-page";
  }

  @Override
  public String description() {
    return "At the victim's system call, the kernel reads the frames of its secret pages (confidentiality in RAM)";
  }

  @Override
  public String property() {
    return "confidentiality-ram";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return onceAtFirstRound(ops -> {
      for (long gva : victimPages(ops, 16)) {
        ops.readFrame(frameOf(ops.readPte(ops.victimPid(), gva)));
      }
    });
  }
}
