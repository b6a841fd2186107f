package org.sego.attacks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.plugin.Parameters;

/**
 * Rollback across a reboot: the kernel keeps the first version of the victim's secure file blocks,
 * crashes the machine (a power failure) after later versions were made durable, and on the next
 * boot puts the old blocks back before the file system is mounted. Its twin crashes at the same
 * point and rolls nothing back.
 */
public final class CrashRollbackAttack extends FileAttack {
  @Override
  public String name() {
    return "crash-rollback";
  }

  @Override
  public String description() {
    return "After a power failure the kernel presents the victim's secure files at an older version (freshness across reboot)";
  }

  @Override
  public String property() {
    return "freshness";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    // Kept across boots: what the first boot captured.
    Map<Long, byte[]> firstBlocks = new LinkedHashMap<>();
    boolean[] rolledBack = {false};
    return (ops, benign) -> new KernelHooks() {
      private int fsyncs;
      private int rounds;

      @Override
      public void syscallExit(int pid, String syscall) {
        if (ops.boot() != 0 || benign || pid != ops.victimPid() || !syscall.equals("fsync") || ++fsyncs > 2) {
          return;
        }
        for (long gva : ops.residentPages(pid)) {
          byte[] bytes = ops.readFrame(VictimAttack.frameOf(ops.readPte(pid, gva)));
          if (bytes == null || firstBlocks.values().stream().anyMatch(b -> Arrays.equals(b, bytes))) {
            continue; // (arrays compare by content: a page already captured is not looked for again)
          }
          for (long b = 0; b < 16384; b++) {
            if (Arrays.equals(ops.readBlock(DISK, b), bytes)) {
              firstBlocks.put(b, bytes);
              break;
            }
          }
        }
      }

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (pid != ops.victimPid()) {
          return;
        }
        if (ops.boot() == 0 && syscall.equals("clockNanos") && ++rounds == 3) {
          ops.crash(true);
        }
        if (ops.boot() == 1 && !benign && !rolledBack[0] && syscall.equals("open")) {
          rolledBack[0] = true;
          firstBlocks.forEach((block, bytes) -> ops.writeBlock(DISK, block, bytes));
          ops.note("after the reboot, rolled " + firstBlocks.size() + " block(s) back before the mount");
        }
      }
    };
  }
}
