package org.sego.attacks;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.sego.api.attack.Attack;
import org.sego.api.attack.KernelHooks;
import org.sego.api.plugin.Parameters;

/**
 * Under memory pressure, the kernel keeps the first version of each victim page it swaps out, and
 * when a newer version is swapped back in, puts the old block back in the slot first (freshness).
 */
public final class ReplaySwapSlotAttack extends VictimAttack {
  static final String SWAP = "swap";
  private static final int MAX_REPLAYS = 16;

  @Override
  public String name() {
    return "replay-swap-slot";
  }

  @Override
  public String description() {
    return "The kernel replays an old swap slot: a page swapped in comes back at an older version (freshness)";
  }

  @Override
  public String property() {
    return "freshness";
  }

  @Override
  int defaultPages() {
    return 3072;
  }

  @Override
  public Map<String, Object> guestParameters(Parameters p) {
    return Map.of("memory-limit", "8 MiB", "swap-device", SWAP, "thp", false);
  }

  @Override
  public Attack create(Parameters p, long seed) {
    return (ops, benign) -> new KernelHooks() {
      private final Map<Long, byte[]> firstVersion = new HashMap<>();
      private int replays;

      @Override
      public void swappedOut(int pid, long vpn, long slot) {
        if (pid == ops.victimPid() && !firstVersion.containsKey(vpn)) {
          firstVersion.put(vpn, ops.readBlock(SWAP, slot));
        }
      }

      @Override
      public long swapIn(int pid, long vpn, long slot) {
        byte[] old = firstVersion.get(vpn);
        if (benign || pid != ops.victimPid() || old == null || replays >= MAX_REPLAYS) {
          return slot;
        }
        if (!Arrays.equals(old, ops.readBlock(SWAP, slot))) {
          ops.writeBlock(SWAP, slot, old);
          ops.note("replayed an older version of page 0x" + Long.toHexString(vpn << 12) + " into slot " + slot);
          replays++;
        }
        return slot;
      }
    };
  }
}
