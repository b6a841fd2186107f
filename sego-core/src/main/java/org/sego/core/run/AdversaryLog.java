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
 * adversary wrote itself are blanked from what it observes afterwards: any 16-byte-aligned chunk
 * holding an 8-byte word it wrote earlier, so reading back its own writes, or copies of them
 * wherever the kernel moved them, observes nothing.
 */
@Experimental("adversary operations")
public final class AdversaryLog {
  /** One adversary operation; {@code observed} holds only bytes the adversary had not written itself. */
  public record Entry(long timeNanos, int boot, String op, String target, boolean effect, String result, byte[] observed) {}

  private final List<Entry> entries = new ArrayList<>();
  /** Every 8-byte word the adversary wrote (its writes are padded with zeros to 16 bytes). */
  private final Set<Long> written = new HashSet<>();
  private int boot;

  /** The boot the next entries belong to. */
  void boot(int boot) {
    this.boot = boot;
  }

  void add(long time, String op, String target, boolean effect, String result, byte[] observed) {
    entries.add(new Entry(time, boot, op, target, effect, result, observed == null ? null : blankWritten(observed)));
  }

  /**
   * Records bytes the adversary is about to write (to a frame, a block, a page of its process, an
   * image): each 8-byte word, the last one zero-padded, as every adversary write starts at the
   * beginning of its frame or block and is padded with zeros to 16 bytes (see {@link #padded}).
   */
  void wrote(byte[] data) {
    if (data == null) {
      return;
    }
    byte[] p = padded(data);
    ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off + 8 <= p.length; off += 8) {
      written.add(b.getLong(off));
    }
  }

  /** {@code data} zero-padded to a multiple of 16 bytes: what an adversary write of it puts in place. */
  static byte[] padded(byte[] data) {
    int n = (data.length + 15) & ~15;
    return n == data.length ? data : java.util.Arrays.copyOf(data, n);
  }

  /** A copy of {@code observed} with every 16-byte chunk blanked that holds a word the adversary wrote. */
  private byte[] blankWritten(byte[] observed) {
    byte[] copy = observed.clone();
    if (written.isEmpty()) {
      return copy;
    }
    ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
    for (int off = 0; off + 16 <= copy.length; off += 16) {
      if (written.contains(b.getLong(off)) || written.contains(b.getLong(off + 8))) {
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
