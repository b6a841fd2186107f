package org.sego.attacks;

import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
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
    return (ops, benign) -> new KernelHooks() {
      private boolean done;

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (benign || done || pid != ops.victimPid() || !syscall.equals("clockNanos")) {
          return;
        }
        done = true;
        for (long gva : victimPages(ops, 16)) {
          ops.readFrame(frameOf(ops.readPte(pid, gva)));
        }
      }
    };
  }
}
