package org.sego.protection.metadata.page;

/**
 * The hypervisor's trusted metadata of every host frame, in chunks of 4,096 frames allocated on a
 * chunk's first binding: owner HAP, what the frame holds (an anonymous page {@code vpn}, or offset
 * {@code offset} of secure file {@code oid}), its version {@code (bootEpoch, counter)}, its state
 * and the HAP's permissions. A frame never bound reads as {@link #FREE}, owned by nobody. Lookups
 * and updates allocate nothing.
 *
 * <p>Layout: per chunk, two primitive arrays. What every check reads (owner, state, permissions,
 * file bit and page, packed in one {@code long}, and the version) sits side by side, 16 bytes per
 * frame, so a lookup or an update of a frame is one cache line; the OID, read only for secure-file
 * pages, has an array of its own. (Three separate arrays cost three cache misses per frame at 1 Mi
 * frames, past the 50 ns a lookup may take.)
 *
 * <p>Versions are what make a stale copy detectable: every binding and every {@link #bumpVersion}
 * gives the frame a version no earlier state of it had, so a tag recorded at swap-out matches only
 * the page as it was then; {@link #setVersion} stamps one the caller chose (sego takes them from
 * one counter per boot, so a page's versions differ whatever frames it was in).
 */
public final class PageMetadata {
  /** Not bound: its bytes belong to nobody (scrubbed before it was released). */
  public static final int FREE = 0;
  /** Bound to one HAP's page, mapped only in that HAP's view. */
  public static final int PRIVATE = 1;
  /** Merged with identical pages, mapped read-only; a write splits it. */
  public static final int SHARED_COW = 2;
  /** Its bytes are on their way to or from a block (swap or file I/O in flight). */
  public static final int IN_TRANSIT = 3;

  /** Permission bits (the HAP's view). */
  public static final int READ = 1;
  public static final int WRITE = 2;
  public static final int EXECUTE = 4;

  /** Owner HAPs are ids from 1 to {@link #MAX_OWNER}; 0 is nobody. */
  public static final int MAX_OWNER = (1 << 22) - 1;
  /** Pages (a vpn, or an offset in pages) from 0 to {@link #MAX_PAGE}: 36 bits, a 48-bit address space. */
  public static final long MAX_PAGE = (1L << 36) - 1;
  /** Boot epochs from 0 to {@link #MAX_EPOCH}, counters below 2^48. */
  public static final int MAX_EPOCH = (1 << 16) - 1;

  private static final int CHUNK_SHIFT = 12;
  private static final int CHUNK = 1 << CHUNK_SHIFT;
  private static final int MASK = CHUNK - 1;
  private static final int STATE_BITS = 2;
  private static final int PERM_SHIFT = 2;
  private static final long FILE_BIT = 1 << 5;
  private static final int OWNER_SHIFT = 6;
  private static final int PAGE_SHIFT = 28;

  private final long frames;
  /**
   * Per chunk, two longs per frame: {@code page << 28 | owner << 6 | file << 5 | permissions << 2 |
   * state} (0: free), then {@code epoch << 48 | counter}.
   */
  private final long[][] hot;
  /** Per chunk: the secure file's OID (0 for anonymous memory). */
  private final long[][] oid;
  private int chunks;

  public PageMetadata(long frames) {
    if (frames <= 0 || (frames >>> CHUNK_SHIFT) >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frames " + frames + " out of range");
    }
    this.frames = frames;
    int n = (int) ((frames + MASK) >>> CHUNK_SHIFT);
    hot = new long[n][];
    oid = new long[n][];
  }

  public long frames() {
    return frames;
  }

  private void check(long hfn) {
    if (hfn < 0 || hfn >= frames) {
      throw new IndexOutOfBoundsException("frame " + hfn + " outside 0.." + (frames - 1));
    }
  }

  private long wordOf(long hfn) {
    check(hfn);
    long[] h = hot[(int) (hfn >>> CHUNK_SHIFT)];
    return h == null ? 0 : h[2 * (int) (hfn & MASK)];
  }

  public int owner(long hfn) {
    return (int) ((wordOf(hfn) >>> OWNER_SHIFT) & MAX_OWNER);
  }

  public int state(long hfn) {
    return (int) (wordOf(hfn) & ((1 << STATE_BITS) - 1));
  }

  public int permissions(long hfn) {
    return (int) ((wordOf(hfn) >>> PERM_SHIFT) & 7);
  }

  /** Whether the frame holds a secure file's page (else an anonymous one, or nothing). */
  public boolean filePage(long hfn) {
    return (wordOf(hfn) & FILE_BIT) != 0;
  }

  /** The anonymous page's vpn, or the file page's offset (in pages); 0 when free. */
  public long where(long hfn) {
    return wordOf(hfn) >>> PAGE_SHIFT;
  }

  /** The secure file's OID, or 0. */
  public long oid(long hfn) {
    return wordOf(hfn) == 0 ? 0 : oid[(int) (hfn >>> CHUNK_SHIFT)][(int) (hfn & MASK)];
  }

  /** The frame's version, {@code epoch << 48 | counter}; kept after a release, so a rebinding moves on from it. */
  public long version(long hfn) {
    check(hfn);
    long[] h = hot[(int) (hfn >>> CHUNK_SHIFT)];
    return h == null ? 0 : h[2 * (int) (hfn & MASK) + 1];
  }

  public static int epochOf(long version) {
    return (int) (version >>> 48);
  }

  public static long counterOf(long version) {
    return version & ((1L << 48) - 1);
  }

  /** Binds frame {@code hfn} to anonymous page {@code vpn} of HAP {@code owner}: private, a new version. */
  public long bindAnonymous(long hfn, int owner, long vpn, int permissions, int epoch) {
    return bind(hfn, owner, 0, vpn, permissions, epoch);
  }

  /** Binds frame {@code hfn} to page {@code offset} of secure file {@code fileOid} (not 0) of HAP {@code owner}. */
  public long bindFile(long hfn, int owner, long fileOid, long offset, int permissions, int epoch) {
    if (fileOid == 0) {
      throw new IllegalArgumentException("OID 0 is no file");
    }
    return bind(hfn, owner, fileOid, offset, permissions, epoch);
  }

  private long bind(long hfn, int owner, long fileOid, long at, int permissions, int epoch) {
    check(hfn);
    if (owner <= 0 || owner > MAX_OWNER) {
      throw new IllegalArgumentException("owner " + owner + " outside 1.." + MAX_OWNER);
    }
    if ((permissions & ~7) != 0) {
      throw new IllegalArgumentException("permissions " + permissions + " (READ | WRITE | EXECUTE)");
    }
    if (at < 0 || at > MAX_PAGE) {
      throw new IllegalArgumentException("page " + at + " outside 0.." + MAX_PAGE);
    }
    int c = chunk(hfn);
    int i = 2 * (int) (hfn & MASK);
    long[] h = hot[c];
    h[i] = at << PAGE_SHIFT | (long) owner << OWNER_SHIFT | (fileOid != 0 ? FILE_BIT : 0) | permissions << PERM_SHIFT | PRIVATE;
    oid[c][(int) (hfn & MASK)] = fileOid;
    return h[i + 1] = next(h[i + 1], epoch);
  }

  /** The chunk of {@code hfn}, allocated now if it has none. */
  private int chunk(long hfn) {
    int c = (int) (hfn >>> CHUNK_SHIFT);
    if (hot[c] == null) {
      hot[c] = new long[2 * CHUNK];
      oid[c] = new long[CHUNK];
      chunks++;
    }
    return c;
  }

  /** A version after {@code v} in boot epoch {@code epoch}: the counter goes on within an epoch and restarts in a later one. */
  private static long next(long v, int epoch) {
    if (epoch < 0 || epoch > MAX_EPOCH) {
      throw new IllegalArgumentException("epoch " + epoch + " outside 0.." + MAX_EPOCH);
    }
    int e = epochOf(v);
    if (epoch < e) {
      throw new IllegalStateException("epoch " + epoch + " before the frame's epoch " + e);
    }
    long counter = epoch == e ? counterOf(v) + 1 : 1;
    if (counter >= 1L << 48) {
      throw new IllegalStateException("version counter exhausted");
    }
    return (long) epoch << 48 | counter;
  }

  /** The page's bytes changed (or may have): a new version; returns it. The frame must be bound. */
  public long bumpVersion(long hfn, int epoch) {
    long[] h = boundChunk(hfn);
    int i = 2 * (int) (hfn & MASK) + 1;
    return h[i] = next(h[i], epoch);
  }

  /** Sets the version of bound frame {@code hfn} to {@code v} (the caller keeps versions unique per page). */
  public void setVersion(long hfn, long v) {
    if (epochOf(v) > MAX_EPOCH || counterOf(v) == 0) {
      throw new IllegalArgumentException("version " + v + " out of range");
    }
    boundChunk(hfn)[2 * (int) (hfn & MASK) + 1] = v;
  }

  public void setState(long hfn, int state) {
    if (state <= FREE || state > IN_TRANSIT) {
      throw new IllegalArgumentException("state " + state + ": a bound frame is PRIVATE, SHARED_COW or IN_TRANSIT"
          + " (release frees it)");
    }
    long[] h = boundChunk(hfn);
    int i = 2 * (int) (hfn & MASK);
    h[i] = (h[i] & ~((1L << STATE_BITS) - 1)) | state;
  }

  public void setPermissions(long hfn, int permissions) {
    if ((permissions & ~7) != 0) {
      throw new IllegalArgumentException("permissions " + permissions + " (READ | WRITE | EXECUTE)");
    }
    long[] h = boundChunk(hfn);
    int i = 2 * (int) (hfn & MASK);
    h[i] = (h[i] & ~(7L << PERM_SHIFT)) | permissions << PERM_SHIFT;
  }

  /** The hot array of bound frame {@code hfn}'s chunk. */
  private long[] boundChunk(long hfn) {
    if (wordOf(hfn) == 0) {
      throw new IllegalStateException("frame " + hfn + " is not bound");
    }
    return hot[(int) (hfn >>> CHUNK_SHIFT)];
  }

  /** The frame is free again (its bytes scrubbed by the caller); its version stays, so a new binding moves past it. */
  public void release(long hfn) {
    check(hfn);
    int c = (int) (hfn >>> CHUNK_SHIFT);
    if (hot[c] != null) {
      int i = (int) (hfn & MASK);
      hot[c][2 * i] = 0;
      oid[c][i] = 0;
    }
  }

  /** Whether {@code hfn} holds anonymous page {@code vpn} of {@code owner} at version {@code v} (a swap-in's tag check). */
  public boolean holdsAnonymous(long hfn, int owner, long vpn, long v) {
    long w = wordOf(hfn);
    return w != 0 && ((w >>> OWNER_SHIFT) & MAX_OWNER) == owner && (w & FILE_BIT) == 0 && w >>> PAGE_SHIFT == vpn
        && version(hfn) == v;
  }

  /** Host heap the metadata holds: the chunks bound so far (24 bytes per frame of each). */
  public long trustedBytes() {
    return (long) chunks * CHUNK * 3 * Long.BYTES;
  }
}
