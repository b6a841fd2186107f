package org.sego.core.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sego.api.Experimental;

/**
 * The judge's record of everything the adversary did and saw: each operation, its target, whether
 * it changed anything, and the bytes it observed. Written only by the trusted side.
 */
@Experimental("adversary operations")
public final class AdversaryLog {
  /** One adversary operation. */
  public record Entry(long timeNanos, String op, String target, boolean effect, String result, byte[] observed) {}

  private final List<Entry> entries = new ArrayList<>();

  void add(long time, String op, String target, boolean effect, String result, byte[] observed) {
    entries.add(new Entry(time, op, target, effect, result, observed == null ? null : observed.clone()));
  }

  public List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }

  /** Operations that tried to change something (writes), and those that did. */
  public long attempts() {
    return entries.stream().filter(e -> e.op().startsWith("write")).count();
  }

  public long effects() {
    return entries.stream().filter(Entry::effect).count();
  }
}
