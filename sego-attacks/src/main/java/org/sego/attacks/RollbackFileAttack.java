package org.sego.attacks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.plugin.Parameters;

/**
 * Delete-and-recreate rollback: the kernel brings a secure file back at its first version, on disk
 * and in its cache, as if it had deleted the file and recreated it from an old copy.
 */
public final class RollbackFileAttack extends FileAttack {
  @Override
  public String name() {
    return "rollback-file";
  }

  @Override
  public String description() {
    return "The kernel rolls a secure file back to its first version on disk and in the cache (freshness)";
  }

  @Override
  public String property() {
    return "freshness";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return (ops, benign) -> new KernelHooks() {
      private final Map<Long, byte[]> firstFrames = new LinkedHashMap<>();
      private final Map<Long, byte[]> firstBlocks = new LinkedHashMap<>();
      private int fsyncs;
      private int rounds;

      @Override
      public void syscallExit(int pid, String syscall) {
        if (pid != ops.victimPid() || !syscall.equals("fsync") || benign) {
          return;
        }
        if (++fsyncs > 2) {
          return;
        }
        for (long gva : ops.residentPages(pid)) {
          long frame = VictimAttack.frameOf(ops.readPte(pid, gva));
          byte[] bytes = ops.readFrame(frame);
          if (bytes != null && firstFrames.putIfAbsent(frame, bytes) == null) {
            for (long b = 0; b < 16384; b++) {
              byte[] onDisk = ops.readBlock(DISK, b);
              if (Arrays.equals(onDisk, bytes)) {
                firstBlocks.put(b, bytes);
                break;
              }
            }
          }
        }
      }

      @Override
      public void syscallEntry(int pid, String syscall) {
        if (benign || pid != ops.victimPid() || !syscall.equals("clockNanos") || ++rounds != 3) {
          return;
        }
        firstBlocks.forEach((block, bytes) -> ops.writeBlock(DISK, block, bytes));
        firstFrames.forEach((frame, bytes) -> ops.writeFrame(frame, bytes));
        ops.note("rolled " + firstBlocks.size() + " block(s) and " + firstFrames.size() + " cached page(s) back");
      }
    };
  }
}
