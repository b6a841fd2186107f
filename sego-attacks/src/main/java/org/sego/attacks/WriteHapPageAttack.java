package org.sego.attacks;

import org.sego.api.attack.Attack;
import org.sego.api.plugin.Parameters;

/** The kernel overwrites a frame of the victim's secret pages. */
public final class WriteHapPageAttack extends VictimAttack {
  @Override
  public String name() {
    return "write-hap-page";
  }

  @Override
  public String description() {
    return "At the victim's system call, the kernel overwrites the frame of one of its secret pages (integrity)";
  }

  @Override
  public String property() {
    return "integrity";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return onceAtFirstRound(ops -> {
      long[] pages = victimPages(ops, 4);
      if (pages.length > 1) {
        byte[] garbage = new byte[4096];
        java.util.Arrays.fill(garbage, (byte) 0x41);
        ops.writeFrame(frameOf(ops.readPte(ops.victimPid(), pages[1])), garbage);
      }
    });
  }
}
