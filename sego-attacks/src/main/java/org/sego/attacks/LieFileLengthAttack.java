package org.sego.attacks;

import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.plugin.Parameters;

/** The kernel lies about a file's length: once the victim is running its rounds, lseek to the end answers one page short. */
public final class LieFileLengthAttack extends FileAttack {
  @Override
  public String name() {
    return "lie-file-length";
  }

  @Override
  public String description() {
    return "The kernel reports a secure file one page shorter than it is (integrity of the file length)";
  }

  @Override
  public String property() {
    return "integrity";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return (ops, benign) -> new KernelHooks() {
      private boolean rounds;

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (pid == ops.victimPid() && syscall.equals("clockNanos")) {
          rounds = true;
        }
      }

      @Override
      public long syscallResult(int pid, String syscall, long result) {
        if (benign || !rounds || pid != ops.victimPid() || !syscall.equals("lseek") || result < 4096) {
          return result;
        }
        return result - 4096;
      }
    };
  }
}
