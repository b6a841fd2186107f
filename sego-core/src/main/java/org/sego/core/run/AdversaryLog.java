package org.sego.core.run;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sego.api.Experimental;

/**
 * The judge's record of everything the adversary did and saw: each operation, its target, whether
 * it changed anything, and the bytes it observed. Written only by the trusted side. Bytes the
 * adversary wrote itself (any 16-byte-aligned chunk of anything it wrote earlier) are blanked from
 * what it observes afterwards: reading back its own writes observes nothing of the victim's.
 */
@Experimental("adversary operations")
public final class AdversaryLog {
  /** One adversary operation; {@code observed} holds only bytes the adversary had not written itself. */
  public record Entry(long timeNanos, int boot, String op, String target, boolean effect, String result, byte[] observed) {}

  private final List<Entry> entries = new ArrayList<>();
  private record Chunk(long a, long b) {}
  private final Set<Chunk> written = new HashSet<>();
  private int boot;

  /** The boot the next entries belong to. */
  void boot(int boot) {
    this.boot = boot;
  }

  void add(long time, String op, String target, boolean effect, String result, byte[] observed) {
    entries.add(new Entry(time, boot, op, target, effect, result, observed == null ? null : blankWritten(observed)));
  }

  /** Records bytes the adversary wrote (to a frame, a block, a page of its own process). */
  void wrote(byte[] data) {
    if (data == null) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off + 16 <= data.length; off += 16) {
      written.add(new Chunk(b.getLong(off), b.getLong(off + 8)));
    }
  }

  private byte[] blankWritten(byte[] observed) {
    byte[] copy = observed.clone();
    if (written.isEmpty()) {
      return copy;
    }
    ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off + 16 <= copy.length; off += 16) {
      if (written.contains(new Chunk(b.getLong(off), b.getLong(off + 8)))) {
        b.putLong(off, 0).putLong(off + 8, 0);
      }
    }
    return copy;
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
