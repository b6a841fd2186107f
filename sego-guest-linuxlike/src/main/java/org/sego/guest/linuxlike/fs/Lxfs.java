package org.sego.guest.linuxlike.fs;

import org.sego.api.posix.Errno;

/**
 * lxfs, an ext2-like file system: superblock, block bitmap, inode bitmap, inode table, then data.
 * Inodes hold 12 direct block numbers, one indirect and one double-indirect; directories are arrays
 * of 64-byte entries. Every structure is read and written in the page cache, never kept in Java.
 */
public final class Lxfs {
  public static final int MAGIC = 0x4C58_4653;
  public static final int VERSION = 1;
  public static final int BS = 4096;
  static final int INODE_SIZE = 128;
  static final int INODES_PER_BLOCK = BS / INODE_SIZE;
  static final int PTRS = BS / 4;
  static final int DIRECT = 12;
  public static final int ROOT = 1;
  public static final int MODE_FILE = 1;
  public static final int MODE_DIR = 2;
  static final int DIRENT = 64;
  static final int NAME_MAX = 48;

  // Superblock fields (block 0).
  static final int SB_MAGIC = 0;
  static final int SB_VERSION = 4;
  static final int SB_BLOCKS = 8;
  static final int SB_INODES = 16;
  static final int SB_BITMAP = 20;
  static final int SB_BITMAP_BLOCKS = 24;
  static final int SB_IBITMAP = 28;
  static final int SB_ITABLE = 32;
  static final int SB_ITABLE_BLOCKS = 36;
  static final int SB_DATA = 40;
  static final int SB_JOURNAL = 44;
  static final int SB_JOURNAL_BLOCKS = 48;

  // Inode fields.
  static final int I_MODE = 0;
  static final int I_LINKS = 4;
  static final int I_SIZE = 8;
  static final int I_MTIME = 16;
  static final int I_DIRECT = 24;
  static final int I_INDIRECT = I_DIRECT + 4 * DIRECT;
  static final int I_DINDIRECT = I_INDIRECT + 4;

  final BufferCache cache;
  long blocks;
  int inodes;
  long bitmap;
  int bitmapBlocks;
  long ibitmap;
  long itable;
  long dataStart;
  long journalStart;
  long journalBlocks;
  Journal journal;
  private long allocHint;
  /** Data block to (inode << 32 | page index), for the blocks mapped in this mount. */
  private final java.util.Map<Long, Long> owners = new java.util.HashMap<>();
  /**
   * Blocks freed since the last commit: not reused until the commit that frees them is durable, so a
   * crash never shows an old file with a new file's data in it.
   */
  final java.util.Set<Long> recentlyFreed = new java.util.HashSet<>();

  private final long mapEntryNanos;
  private final org.sego.api.sim.StatsSink.Counter mapEntriesExamined;

  private Lxfs(BufferCache cache) {
    this.cache = cache;
    this.mapEntryNanos = cache.ports().costs().duration(org.sego.api.cost.CostProfile.GUEST_FS_MAP_ENTRY).nanos();
    this.mapEntriesExamined = cache.ports().stats().counter("system.guest.fs.map-entries-examined", "entries",
        "block-map entries examined when truncating or freeing files");
  }

  /**
   * Mounts the file system on the cache's device, formatting a blank device first, and replays a
   * committed journal transaction that was not yet checkpointed.
   */
  public static Lxfs mount(BufferCache cache, boolean dataJournal) {
    Lxfs fs = new Lxfs(cache);
    int magic = cache.get32(0, SB_MAGIC);
    boolean formatted = magic == 0 && cache.get64(0, 8) == 0;
    if (formatted) {
      format(cache);
    } else if (magic != MAGIC) {
      throw new IllegalStateException("linuxlike: the file-system device holds no lxfs (magic 0x" + Integer.toHexString(magic) + ")");
    }
    fs.blocks = cache.get64(0, SB_BLOCKS);
    fs.inodes = cache.get32(0, SB_INODES);
    fs.bitmap = cache.get32(0, SB_BITMAP);
    fs.bitmapBlocks = cache.get32(0, SB_BITMAP_BLOCKS);
    fs.ibitmap = cache.get32(0, SB_IBITMAP);
    fs.itable = cache.get32(0, SB_ITABLE);
    fs.dataStart = cache.get32(0, SB_DATA);
    fs.journalStart = cache.get32(0, SB_JOURNAL);
    fs.journalBlocks = cache.get32(0, SB_JOURNAL_BLOCKS);
    fs.allocHint = fs.dataStart;
    cache.setPurposes(fs::purposeOf);
    cache.setSecure(fs::isSecure);
    fs.journal = new Journal(fs, dataJournal);
    fs.journal.replay();
    if (!formatted) {
      // Every mount of an existing file system checks it, after the journal replay.
      var stats = cache.ports().stats();
      stats.counter("system.guest.fs.fsck-runs", "runs", "checks of the file system at mount").add(1);
      stats.counter("system.guest.fs.fsck-problems", "problems", "problems the check at mount found")
          .add(Fsck.check(fs).size());
    }
    return fs;
  }

  /** Writes an empty file system: the superblock, bitmaps with the metadata blocks taken, and the root directory. */
  static void format(BufferCache cache) {
    long blocks = cache.blocks();
    int inodes = (int) Math.min(BS * 8L, Math.max(64, blocks / 4));
    int bitmapBlocks = (int) ((blocks + BS * 8L - 1) / (BS * 8L));
    int itableBlocks = (inodes + INODES_PER_BLOCK - 1) / INODES_PER_BLOCK;
    long journalBlocks = Math.max(64, Math.min(1024, blocks / 16));
    long bitmap = 1;
    long ibitmap = bitmap + bitmapBlocks;
    long itable = ibitmap + 1;
    long journal = itable + itableBlocks;
    long data = journal + journalBlocks;
    if (data + 16 > blocks) {
      throw new IllegalStateException("linuxlike: the file-system device is too small (" + blocks + " blocks)");
    }
    for (long b = 0; b < data; b++) {
      cache.fresh(b);
      cache.markDirty(b);
    }
    cache.put32(0, SB_MAGIC, MAGIC);
    cache.put32(0, SB_VERSION, VERSION);
    cache.put64(0, SB_BLOCKS, blocks);
    cache.put32(0, SB_INODES, inodes);
    cache.put32(0, SB_BITMAP, (int) bitmap);
    cache.put32(0, SB_BITMAP_BLOCKS, bitmapBlocks);
    cache.put32(0, SB_IBITMAP, (int) ibitmap);
    cache.put32(0, SB_ITABLE, (int) itable);
    cache.put32(0, SB_ITABLE_BLOCKS, itableBlocks);
    cache.put32(0, SB_DATA, (int) data);
    cache.put32(0, SB_JOURNAL, (int) journal);
    cache.put32(0, SB_JOURNAL_BLOCKS, (int) journalBlocks);
    Journal.formatSuperblock(cache, journal);
    for (long b = 0; b < data; b++) {
      setBit(cache, bitmap, b, true);
    }
    setBit(cache, ibitmap, 0, true);
    setBit(cache, ibitmap, ROOT, true);
    long ib = itable + ROOT / INODES_PER_BLOCK;
    int io = (ROOT % INODES_PER_BLOCK) * INODE_SIZE;
    cache.put32(ib, io + I_MODE, MODE_DIR);
    cache.put32(ib, io + I_LINKS, 2);
    // A new file system is written directly, not through the journal: everything but the
    // superblock first, made durable, then the superblock with FUA. A crash before that leaves a
    // blank device, which the next mount formats again.
    java.util.TreeSet<Long>[] dirty = cache.takeDirty();
    java.util.TreeSet<Long> all = new java.util.TreeSet<>(dirty[0]);
    all.addAll(dirty[1]);
    all.remove(0L);
    cache.writeHome(all);
    cache.flush();
    cache.writeFrames(new long[] {0}, new long[] {cache.frame(0)}, true);
    cache.committed(dirty[0]);
    cache.committed(dirty[1]);
  }

  static boolean bit(BufferCache c, long base, long index) {
    long block = base + index / (BS * 8L);
    int byteOff = (int) (index % (BS * 8L)) / 8;
    long word = c.get64(block, byteOff & ~7);
    return (word >>> ((byteOff & 7) * 8 + index % 8) & 1) != 0;
  }

  static void setBit(BufferCache c, long base, long index, boolean on) {
    long block = base + index / (BS * 8L);
    int byteOff = (int) (index % (BS * 8L)) / 8;
    long word = c.get64(block, byteOff & ~7);
    long mask = 1L << ((byteOff & 7) * 8 + index % 8);
    c.put64(block, byteOff & ~7, on ? word | mask : word & ~mask);
  }

  // ---- allocation -----------------------------------------------------------------------------

  /**
   * A zeroed free block, or -ENOSPC. Blocks freed since the last commit are taken only when nothing
   * else is free (a full device), where waiting for a commit inside an operation would deadlock.
   */
  long allocBlock() {
    for (boolean lastResort : new boolean[] {false, true}) {
      for (long n = 0; n < blocks - dataStart; n++) {
        long b = dataStart + (allocHint - dataStart + n) % (blocks - dataStart);
        if (!bit(cache, bitmap, b) && (lastResort || !recentlyFreed.contains(b))) {
          setBit(cache, bitmap, b, true);
          recentlyFreed.remove(b);
          cache.fresh(b);
          cache.markDirty(b);
          allocHint = b + 1;
          return b;
        }
      }
    }
    return -Errno.ENOSPC;
  }

  void freeBlock(long b) {
    owners.remove(b);
    setBit(cache, bitmap, b, false);
    recentlyFreed.add(b);
  }

  /** A new inode of {@code mode}, or -ENOSPC. */
  int allocInode(int mode) {
    for (int i = 2; i < inodes; i++) {
      if (!bit(cache, ibitmap, i)) {
        setBit(cache, ibitmap, i, true);
        long b = inodeBlock(i);
        int o = inodeOffset(i);
        for (int f = 0; f < INODE_SIZE; f += 8) {
          cache.put64(b, o + f, 0);
        }
        cache.put32(b, o + I_MODE, mode);
        return i;
      }
    }
    return -Errno.ENOSPC;
  }

  void freeInode(int ino) {
    secure.remove((long) ino);
    cache.put32(inodeBlock(ino), inodeOffset(ino) + I_MODE, 0);
    setBit(cache, ibitmap, ino, false);
  }

  boolean inodeAllocated(int ino) {
    return ino > 0 && ino < inodes && bit(cache, ibitmap, ino);
  }

  // ---- inode fields ---------------------------------------------------------------------------

  long inodeBlock(int ino) {
    return itable + ino / INODES_PER_BLOCK;
  }

  int inodeOffset(int ino) {
    return (ino % INODES_PER_BLOCK) * INODE_SIZE;
  }

  public int mode(int ino) {
    return cache.get32(inodeBlock(ino), inodeOffset(ino) + I_MODE);
  }

  public int links(int ino) {
    return cache.get32(inodeBlock(ino), inodeOffset(ino) + I_LINKS);
  }

  void setLinks(int ino, int links) {
    cache.put32(inodeBlock(ino), inodeOffset(ino) + I_LINKS, links);
  }

  public long size(int ino) {
    return cache.get64(inodeBlock(ino), inodeOffset(ino) + I_SIZE);
  }

  void setSize(int ino, long size) {
    cache.put64(inodeBlock(ino), inodeOffset(ino) + I_SIZE, size);
  }

  public long mtime(int ino) {
    return cache.get64(inodeBlock(ino), inodeOffset(ino) + I_MTIME);
  }

  void setMtime(int ino, long nanos) {
    cache.put64(inodeBlock(ino), inodeOffset(ino) + I_MTIME, nanos);
  }

  // ---- block maps -----------------------------------------------------------------------------

  /**
   * The device block holding block {@code index} of the file, allocating it (and any map block on
   * the way) when {@code allocate}; 0 for a hole, or -ENOSPC / -EFBIG.
   */
  long bmap(int ino, long index, boolean allocate) {
    long b = mapIndex(ino, index, allocate);
    if (b > 0) {
      // The block's identity, for the purpose its I/O states (a file page at (inode, offset)).
      owners.put(b, ((long) ino << 32) | index);
    }
    return b;
  }

  /** Inodes a HAP has mapped: their data blocks move by the file-page hypercalls. */
  private final java.util.Set<Long> secure = new java.util.HashSet<>();

  void markSecure(long ino) {
    secure.add(ino);
  }

  /** Whether file {@code ino} is a HAP's secure file (in this mount). */
  boolean isSecure(long ino) {
    return secure.contains(ino);
  }

  /**
   * What I/O on {@code block} is for: the journal area, a file page (its inode and offset, where the
   * file system has mapped it in this mount), or the file system's other metadata.
   */
  org.sego.api.guest.IoPurpose purposeOf(long block) {
    if (block >= journalStart && block < journalStart + journalBlocks) {
      return org.sego.api.guest.IoPurpose.JOURNAL;
    }
    Long owner = owners.get(block);
    if (owner != null) {
      return new org.sego.api.guest.IoPurpose.FilePage(owner >>> 32, (owner & 0xFFFF_FFFFL) * BS);
    }
    return org.sego.api.guest.IoPurpose.FS_METADATA;
  }

  private long mapIndex(int ino, long index, boolean allocate) {
    long ib = inodeBlock(ino);
    int io = inodeOffset(ino);
    if (index < DIRECT) {
      return slot(ib, io + I_DIRECT + 4 * (int) index, allocate);
    }
    index -= DIRECT;
    if (index < PTRS) {
      long ind = slot(ib, io + I_INDIRECT, allocate);
      return ind <= 0 ? ind : slot(ind, 4 * (int) index, allocate);
    }
    index -= PTRS;
    if (index < (long) PTRS * PTRS) {
      long d = slot(ib, io + I_DINDIRECT, allocate);
      if (d <= 0) {
        return d;
      }
      long ind = slot(d, 4 * (int) (index / PTRS), allocate);
      return ind <= 0 ? ind : slot(ind, 4 * (int) (index % PTRS), allocate);
    }
    return -Errno.EFBIG;
  }

  /** The block number stored at ({@code block}, {@code offset}), allocating one if asked and absent. */
  private long slot(long block, int offset, boolean allocate) {
    long b = cache.get32(block, offset) & 0xFFFF_FFFFL;
    if (b == 0 && allocate) {
      b = allocBlock();
      if (b < 0) {
        return b;
      }
      cache.put32(block, offset, (int) b);
    }
    return b;
  }

  /** The largest file: every block the direct, indirect and double-indirect maps can address. */
  static final long MAX_FILE_SIZE = ((long) DIRECT + PTRS + (long) PTRS * PTRS) * BS;

  /**
   * Frees every block of the file from byte {@code length} on, and every map block left empty, and
   * sets its size. It walks the maps that exist, never the file's nominal length: a sparse file of
   * the largest size costs what its few blocks cost. Each map entry it examines is kernel work,
   * charged ({@code guest.fs-map-entry}).
   */
  void truncate(int ino, long length) {
    long keep = (length + BS - 1) / BS;
    int tail = (int) (length % BS);
    if (tail != 0 && length < size(ino)) {
      // The kept last block's bytes past the new end read as zeros if the file grows again (POSIX).
      long last = bmap(ino, keep - 1, false);
      if (last > 0) {
        cache.writeData(last, tail, new byte[BS - tail], 0, BS - tail);
      }
    }
    long ib = inodeBlock(ino);
    int io = inodeOffset(ino);
    long examined = 0;
    for (int i = (int) Math.min(keep, DIRECT); i < DIRECT; i++) {
      examined++;
      freeSlot(ib, io + I_DIRECT + 4 * i);
    }
    long ind = cache.get32(ib, io + I_INDIRECT) & 0xFFFF_FFFFL;
    if (ind != 0) {
      if (cut(ind, keep - DIRECT)) {
        freeSlot(ib, io + I_INDIRECT);
      }
      examined += PTRS;
    }
    long d = cache.get32(ib, io + I_DINDIRECT) & 0xFFFF_FFFFL;
    if (d != 0) {
      long first = DIRECT + PTRS; // the file block the double-indirect map starts at
      boolean anyLeft = false;
      for (int i = 0; i < PTRS; i++) {
        examined++;
        long under = cache.get32(d, 4 * i) & 0xFFFF_FFFFL;
        if (under == 0) {
          continue;
        }
        if (cut(under, keep - (first + (long) i * PTRS))) {
          freeSlot(d, 4 * i);
        } else {
          anyLeft = true;
        }
        examined += PTRS;
      }
      if (!anyLeft) {
        freeSlot(ib, io + I_DINDIRECT);
      }
    }
    chargeMapWork(examined);
    setSize(ino, length);
  }

  /**
   * Frees the data blocks map block {@code map} holds from its entry {@code from} on (all of them when
   * {@code from <= 0}), and says whether the map is then empty: the caller frees an empty map, so a
   * file never holds a map block that maps nothing. Examines each of the map's {@code PTRS} entries once.
   */
  private boolean cut(long map, long from) {
    int start = (int) Math.max(0, Math.min(PTRS, from));
    for (int j = start; j < PTRS; j++) {
      freeSlot(map, 4 * j);
    }
    for (int j = 0; j < start; j++) {
      if (cache.get32(map, 4 * j) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Frees the block the slot at ({@code block}, {@code offset}) points to, if any, and clears the slot. */
  private void freeSlot(long block, int offset) {
    long b = cache.get32(block, offset) & 0xFFFF_FFFFL;
    if (b != 0) {
      freeBlock(b);
      cache.put32(block, offset, 0);
    }
  }

  private void chargeMapWork(long entries) {
    mapEntriesExamined.add(entries);
    cache.ports().cpu().charge(org.sego.api.sim.CostCategory.COMPUTE, entries * mapEntryNanos);
  }

  /** Directory entries and path lookup. */
  final Directories dirs = new Directories(this);
}
