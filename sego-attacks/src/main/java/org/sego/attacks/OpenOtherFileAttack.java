package org.sego.attacks;

import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.plugin.Parameters;

/** open() of one secure file returns the descriptor of another the victim has open. */
public final class OpenOtherFileAttack extends FileAttack {
  @Override
  public String name() {
    return "open-other-file";
  }

  @Override
  public String description() {
    return "The kernel answers the victim's open of one secure file with another open file's descriptor (integrity)";
  }

  @Override
  public String property() {
    return "integrity";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return (ops, benign) -> new KernelHooks() {
      private boolean rounds;
      private long lastOpen = -1;

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (pid == ops.victimPid() && syscall.equals("clockNanos")) {
          rounds = true;
          lastOpen = -1;
        }
      }

      @Override
      public long syscallResult(int pid, String syscall, long result) {
        if (pid != ops.victimPid() || !syscall.equals("open") || !rounds || result < 0) {
          return result;
        }
        long answer = result;
        if (!benign && lastOpen >= 0) {
          answer = lastOpen;
        }
        lastOpen = result;
        return answer;
      }
    };
  }
}
