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
  /** The intent the last lookup found; null after any change of the ranges. */
  private Intent last;
  private final SplittableRandom tokens;
  private int size;

  IntentRegistry(SplittableRandom tokens) {
    this.tokens = tokens;
  }

  @Override
  public Intent declare(int owner, long gva, long length, long objectId, long offset) {
    check(gva, length);
    last = null;
    TreeMap<Long, Intent> mine = intents.computeIfAbsent(owner, o -> new TreeMap<>());
    cut(mine, gva, gva + length);
    Intent i = new Intent(owner, gva, length, objectId, offset, tokens.nextLong());
    mine.put(gva, i);
    size++;
    return i;
  }

  private static void check(long gva, long length) {
    if (length <= 0 || ((gva | length) & X86.PAGE_MASK) != 0) {
      throw new IllegalArgumentException("an intent covers whole pages: gva 0x" + Long.toHexString(gva) + ", length "
          + length + " (both multiples of " + X86.PAGE_SIZE + ", length > 0)");
    }
  }

  /** Removes {@code [start, end)} from {@code owner}'s ranges, keeping the parts of each outside it; true if any was cut. */
  private boolean cut(TreeMap<Long, Intent> mine, long start, long end) {
    last = null;
    boolean any = false;
    Map.Entry<Long, Intent> e = mine.lowerEntry(end);
    while (e != null && e.getValue().gva() + e.getValue().length() > start) {
      Intent old = e.getValue();
      long oldEnd = old.gva() + old.length();
      mine.remove(e.getKey());
      size--;
      any = true;
      if (old.gva() < start) {
        mine.put(old.gva(), new Intent(old.owner(), old.gva(), start - old.gva(), old.objectId(), old.offset(), old.token()));
        size++;
      }
      if (oldEnd > end) {
        mine.put(end, new Intent(old.owner(), end, oldEnd - end, old.objectId(), old.offsetOf(end), old.token()));
        size++;
      }
      e = mine.lowerEntry(e.getKey());
    }
    return any;
  }

  @Override
  public Intent lookup(int owner, long gvaPage) {
    Intent hit = last;
    if (hit != null && hit.owner() == owner && gvaPage >= hit.gva() && gvaPage < hit.gva() + hit.length()) {
      return hit; // (the last range found, while no declare or revoke changed the ranges: no key boxed)
    }
    TreeMap<Long, Intent> mine = intents.get(owner);
    Map.Entry<Long, Intent> e = mine == null ? null : mine.floorEntry(gvaPage);
    Intent found = e != null && gvaPage < e.getValue().gva() + e.getValue().length() ? e.getValue() : null;
    if (found != null) {
      last = found;
    }
    return found;
  }

  @Override
  public boolean revoke(int owner, long gva, long length) {
    check(gva, length);
    TreeMap<Long, Intent> mine = intents.get(owner);
    return mine != null && cut(mine, gva, gva + length);
  }

  @Override
  public int revokeAll(int owner) {
    last = null;
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
    last = null;
    intents.clear();
    size = 0;
    return n;
  }

}
