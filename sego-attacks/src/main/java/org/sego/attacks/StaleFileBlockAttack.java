package org.sego.attacks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.plugin.Parameters;

/**
 * The kernel drops a dirty page and serves the old block again: it remembers the victim's file
 * pages as they were at their first fsync, and after a later fsync puts the old bytes back into the
 * page cache, so the next read returns a stale version.
 */
public final class StaleFileBlockAttack extends FileAttack {
  @Override
  public String name() {
    return "stale-file-block";
  }

  @Override
  public String description() {
    return "After an overwrite and fsync, the kernel serves the file page's old block from its cache (freshness)";
  }

  @Override
  public String property() {
    return "freshness";
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return (ops, benign) -> new KernelHooks() {
      private final Map<Long, byte[]> first = new LinkedHashMap<>();
      private int fsyncs;

      @Override
      public void syscallExit(int pid, String syscall) {
        if (pid != ops.victimPid() || !syscall.equals("fsync")) {
          return;
        }
        fsyncs++;
        if (fsyncs <= 2) {
          for (long gva : ops.residentPages(pid)) {
            long frame = VictimAttack.frameOf(ops.readPte(pid, gva));
            first.putIfAbsent(frame, benign ? new byte[0] : ops.readFrame(frame));
          }
        } else if (!benign && fsyncs == 4) {
          int replayed = 0;
          for (var e : first.entrySet()) {
            byte[] now = ops.readFrame(e.getKey());
            if (e.getValue() != null && now != null && !Arrays.equals(now, e.getValue()) && replayed < 4) {
              ops.writeFrame(e.getKey(), e.getValue());
              replayed++;
            }
          }
          ops.note("put old bytes back into " + replayed + " page-cache frame(s)");
        }
      }
    };
  }
}
