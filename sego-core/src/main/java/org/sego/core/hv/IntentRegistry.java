package org.sego.core.hv;

import java.util.ArrayList;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hw.X86;

/**
 * The mapping-intent registry: per owner, its ranges by start address, none overlapping; tokens
 * come from a seeded stream, so runs repeat exactly.
 */
final class IntentRegistry implements MappingIntents {
  private final Map<Integer, TreeMap<Long, Intent>> intents = new TreeMap<>();
  private final SplittableRandom tokens;
  private int size;

  IntentRegistry(SplittableRandom tokens) {
    this.tokens = tokens;
  }

  @Override
  public Intent declare(int owner, long gva, long length, long objectId, long offset) {
    if (length <= 0 || ((gva | length) & X86.PAGE_MASK) != 0) {
      throw new IllegalArgumentException("an intent covers whole pages: gva 0x" + Long.toHexString(gva) + ", length "
          + length + " (both multiples of " + X86.PAGE_SIZE + ", length > 0)");
    }
    TreeMap<Long, Intent> mine = intents.computeIfAbsent(owner, o -> new TreeMap<>());
    Map.Entry<Long, Intent> before = mine.lowerEntry(gva);
    if (before != null && before.getValue().gva() + before.getValue().length() > gva) {
      mine.remove(before.getKey());
      size--;
    }
    for (Long start : new ArrayList<>(mine.subMap(gva, true, gva + length, false).keySet())) {
      mine.remove(start);
      size--;
    }
    Intent i = new Intent(owner, gva, length, objectId, offset, tokens.nextLong());
    mine.put(gva, i);
    size++;
    return i;
  }

  @Override
  public Intent lookup(int owner, long gvaPage) {
    TreeMap<Long, Intent> mine = intents.get(owner);
    Map.Entry<Long, Intent> e = mine == null ? null : mine.floorEntry(gvaPage);
    return e != null && gvaPage < e.getValue().gva() + e.getValue().length() ? e.getValue() : null;
  }

  @Override
  public boolean revoke(int owner, long gva) {
    TreeMap<Long, Intent> mine = intents.get(owner);
    if (mine == null || mine.remove(gva) == null) {
      return false;
    }
    size--;
    return true;
  }

  @Override
  public int revokeAll(int owner) {
    TreeMap<Long, Intent> mine = intents.remove(owner);
    int n = mine == null ? 0 : mine.size();
    size -= n;
    return n;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int clear() {
    int n = size;
    intents.clear();
    size = 0;
    return n;
  }

}
