package org.sego.core.hv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.sego.api.hv.MappingIntents;

/** The mapping-intent registry; tokens come from a seeded stream, so runs repeat exactly. */
final class IntentRegistry implements MappingIntents {
  private record Key(int owner, long gvaPage) {}

  private final Map<Key, Intent> intents = new HashMap<>();
  private final SplittableRandom tokens;

  IntentRegistry(SplittableRandom tokens) {
    this.tokens = tokens;
  }

  @Override
  public Intent declare(int owner, long gvaPage, long objectId, long offset) {
    Intent i = new Intent(owner, gvaPage, objectId, offset, tokens.nextLong());
    intents.put(new Key(owner, gvaPage), i);
    return i;
  }

  @Override
  public Intent lookup(int owner, long gvaPage) {
    return intents.get(new Key(owner, gvaPage));
  }

  @Override
  public boolean revoke(int owner, long gvaPage) {
    return intents.remove(new Key(owner, gvaPage)) != null;
  }

  @Override
  public int revokeAll(int owner) {
    List<Key> drop = new ArrayList<>();
    for (Key k : intents.keySet()) {
      if (k.owner() == owner) {
        drop.add(k);
      }
    }
    drop.forEach(intents::remove);
    return drop.size();
  }

  @Override
  public int size() {
    return intents.size();
  }

  @Override
  public int clear() {
    int n = intents.size();
    intents.clear();
    return n;
  }
}
