package org.sego.workloads;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.sego.api.posix.Mman;
import org.sego.api.posix.Syscalls;
import org.sego.api.sim.UserContext;

/** Helpers the workloads share: known page contents, whole-page checks, anonymous memory. */
final class Pages {
  static final int SIZE = 4096;
  static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

  private Pages() {}

  /** The content of page {@code index} at {@code version}, a function of the seed only. */
  static void content(byte[] page, long seed, long index, long version) {
    org.sego.support.RandomStreams.fill(new SplittableRandom(seed * 31 + index * 1_000_003 + version * 7_919), page);
  }

  static long anonymous(Syscalls s, long bytes) {
    long a = s.mmap(0, bytes, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
    if (a < 0) {
      s.exit(100);
    }
    return a;
  }

  /** Whether the page at {@code gva} holds exactly {@code expected}. */
  static boolean holds(UserContext u, long gva, byte[] expected, byte[] scratch) {
    u.read(gva, scratch, 0, SIZE);
    return Arrays.equals(expected, scratch);
  }

  /** Fills {@code pages} pages from {@code base}: page {@code i} gets content {@code i % distinct} of the seed. */
  static void fillRepeating(UserContext u, long base, int pages, int distinct, long seed) {
    byte[] page = new byte[SIZE];
    for (int i = 0; i < pages; i++) {
      content(page, seed, i % distinct, 0);
      u.write(base + (long) i * SIZE, page, 0, SIZE);
    }
  }

  /** Writes {@code marker(i)} into the first word of every {@code every}th page from {@code base} (splitting what was merged). */
  static void mark(UserContext u, long base, int pages, int every, java.util.function.LongUnaryOperator marker) {
    for (int i = 0; i < pages; i += every) {
      u.store64(base + (long) i * SIZE, marker.applyAsLong(i));
    }
  }

  /**
   * The pages {@link #fillRepeating} filled that no longer hold their content, where every {@code
   * every}th page starts with {@code marker(i)} ({@code every} 0: no page is marked).
   */
  static int wrongRepeating(UserContext u, long base, int pages, int distinct, long seed, int every,
      java.util.function.LongUnaryOperator marker) {
    byte[] expected = new byte[SIZE];
    byte[] scratch = new byte[SIZE];
    int bad = 0;
    for (int i = 0; i < pages; i++) {
      content(expected, seed, i % distinct, 0);
      if (every > 0 && i % every == 0) {
        java.nio.ByteBuffer.wrap(expected).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, marker.applyAsLong(i));
      }
      bad += holds(u, base + (long) i * SIZE, expected, scratch) ? 0 : 1;
    }
    return bad;
  }

  /** Bytes of each area {@link #fragment} fills: 1 MiB areas hold no aligned 2 MiB range, so they get 4 KiB pages. */
  static final long FRAGMENT_AREA = 1L << 20;

  /**
   * Fragments memory: fills {@code bytes} page by page in 1 MiB areas, each page stamped with its
   * place, then frees every other page; the areas, for {@link #fragmentsIntact}.
   */
  static long[] fragment(UserContext u, long bytes) {
    Syscalls s = u.syscalls();
    long[] area = new long[(int) (bytes / FRAGMENT_AREA)];
    for (int c = 0; c < area.length; c++) {
      area[c] = anonymous(s, FRAGMENT_AREA);
      for (long off = 0; off < FRAGMENT_AREA; off += SIZE) {
        u.store64(area[c] + off, c * FRAGMENT_AREA + off);
      }
    }
    for (long a : area) {
      for (long off = 0; off < FRAGMENT_AREA; off += 2 * SIZE) {
        s.munmap(a + off, SIZE);
      }
    }
    return area;
  }

  /** The pages {@link #fragment} kept that no longer hold their stamp. */
  static int fragmentsIntact(UserContext u, long[] area) {
    int bad = 0;
    for (int c = 0; c < area.length; c++) {
      for (long off = SIZE; off < FRAGMENT_AREA; off += 2 * SIZE) {
        bad += u.load64(area[c] + off) == c * FRAGMENT_AREA + off ? 0 : 1;
      }
    }
    return bad;
  }

  /** Lets simulated time pass in the kernel's sight (daemons run at kernel entries). */
  static void idle(UserContext u, long nanos) {
    long until = u.syscalls().clockNanos() + nanos;
    while (u.syscalls().clockNanos() < until) {
      u.compute(30_000);
    }
  }
}
