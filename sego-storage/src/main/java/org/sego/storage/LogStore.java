package org.sego.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.sego.api.storage.MetadataStore;
import org.sego.api.storage.TimedVolume;
import org.sego.api.storage.VolumeException;

/**
 * The log-structured metadata store (see {@link MetadataStore}), on a {@link TimedVolume}.
 *
 * <p>Layout, in blocks: two superblock copies (0 and 1; generation {@code g} goes to block {@code g
 * % 2}, so a torn superblock write leaves the other copy valid), two checkpoint areas of a quarter
 * of the rest each (a checkpoint goes to the inactive one, so the active one is never touched), and
 * the log. Every block carries a CRC32C over the whole block, so a torn write never validates.
 *
 * <p>Log blocks form a chain: each names the sequence number of the block before it (the first
 * names the superblock's anchor), sequence numbers are never reused in the life of the store (an
 * open continues above the largest one it can find), and a batch ends with a block marked commit.
 * Recovery follows the chain from the checkpoint and applies whole batches only, so a crash
 * anywhere leaves the state of some {@link #sync}; a stale block from an earlier log can never join
 * the chain. The log restarts after each checkpoint; the new superblock is written (FUA) only after
 * the checkpoint's blocks are flushed.
 */
final class LogStore implements MetadataStore {
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "SEGOMDS\0".getBytes(StandardCharsets.US_ASCII);
  private static final int LOG_MAGIC = 0x4d444c47; // "MDLG"
  private static final int CHECKPOINT_MAGIC = 0x4d44434b; // "MDCK"
  private static final int SB_CRC = 60;
  private static final int LOG_HEADER = 32;
  private static final int CP_HEADER = 24;
  private static final int ENTRY_HEADER = 12;
  private static final int FLAG_COMMIT = 1;
  /** The smallest volume that holds the superblocks, two checkpoint areas and a log. */
  static final long MIN_BLOCKS = 16;

  private final TimedVolume volume;
  private final int bs;
  private final long cpBlocks;
  private final long logStart;
  private final long logBlocks;
  private final TreeMap<Long, byte[]> records = new TreeMap<>();
  /** Entries since the last sync: key, then the record or null for a removal. */
  private final List<Object[]> pending = new ArrayList<>();
  private final byte[] block;

  private long generation;
  private long epoch;
  private int activeSlot;
  private long activeCpBlocks;
  private long anchor;
  private long nextSeq;
  private long prevSeq;
  private long logNext;
  private long blocksWritten;
  private long checkpoints;
  private long ramBytes;
  private long readyAt;

  private LogStore(TimedVolume volume) {
    this.volume = volume;
    this.bs = volume.blockSize();
    this.block = new byte[bs];
    this.cpBlocks = (volume.blockCount() - 2) / 4;
    this.logStart = 2 + 2 * cpBlocks;
    this.logBlocks = volume.blockCount() - logStart;
  }

  /** Opens (formats, or recovers) the store on {@code volume} and writes the new boot's epoch. */
  static LogStore open(TimedVolume volume) {
    if (volume.blockSize() < 512) {
      throw refuse(volume, volume.blockSize() + "-byte blocks; the store needs at least 512");
    }
    if (volume.blockCount() < MIN_BLOCKS) {
      throw refuse(volume, volume.blockCount() + " blocks; the store needs at least " + MIN_BLOCKS);
    }
    LogStore s = new LogStore(volume);
    s.load();
    return s;
  }

  private static VolumeException refuse(TimedVolume v, String problem) {
    return new VolumeException("metadata store on volume '" + v.name() + "': " + problem
        + "; the volume was not written");
  }

  // ---- opening -----------------------------------------------------------------------------------

  private void load() {
    byte[][] sb = {new byte[bs], new byte[bs]};
    long t = volume.read(0, sb[0], 0);
    t = Math.max(t, volume.read(1, sb[1], 0));
    if (allZero(sb[0]) && allZero(sb[1])) {
      // Never written: a fresh store.
      generation = 0;
      epoch = 0;
      activeSlot = 0;
      activeCpBlocks = 0;
      anchor = 1;
      nextSeq = 2;
      prevSeq = anchor;
      writeSuperblock(t, true);
      return;
    }
    ByteBuffer best = null;
    String problem = null;
    for (byte[] b : sb) {
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      String p = superblockProblem(bb);
      if (p == null) {
        if (best == null || bb.getLong(16) > best.getLong(16)) {
          best = bb;
        }
      } else if (problem == null || !p.startsWith("not a Sego")) {
        problem = p;
      }
    }
    if (best == null) {
      throw refuse(volume, problem);
    }
    generation = best.getLong(16);
    epoch = best.getLong(24);
    activeSlot = best.getInt(32);
    activeCpBlocks = best.getLong(36);
    anchor = best.getLong(52);
    currentCpGeneration = best.getLong(44);
    if (activeSlot < 0 || activeSlot > 1 || activeCpBlocks < 0 || activeCpBlocks > cpBlocks) {
      throw refuse(volume, "superblock names checkpoint area " + activeSlot + " of " + activeCpBlocks
          + " blocks, outside this volume's layout");
    }
    t = Math.max(t, readCheckpoint(best.getLong(44)));
    t = Math.max(t, replayLog());
    writeSuperblock(t, false);
  }

  private String superblockProblem(ByteBuffer b) {
    byte[] magic = new byte[MAGIC.length];
    b.get(0, magic);
    if (!Arrays.equals(magic, MAGIC)) {
      return "not a Sego metadata store (block 0 begins " + HexFormat.of().formatHex(b.array(), 0, 8) + ")";
    }
    if (b.getInt(SB_CRC) != crc(b.array(), 0, SB_CRC)) {
      return "superblock corrupted (checksum mismatch in both copies)";
    }
    if (b.getInt(8) != FORMAT_VERSION) {
      return "format version " + b.getInt(8) + "; this build reads version " + FORMAT_VERSION;
    }
    if (b.getInt(12) != bs) {
      return "made with " + b.getInt(12) + "-byte blocks; the volume has " + bs + "-byte blocks";
    }
    return null;
  }

  private long readCheckpoint(long cpGeneration) {
    long t = 0;
    long base = 2 + activeSlot * cpBlocks;
    for (long i = 0; i < activeCpBlocks; i++) {
      t = Math.max(t, volume.read(base + i, block, 0));
      ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
      if (b.getInt(0) != CHECKPOINT_MAGIC || b.getInt(20) != blockCrc(block, 20) || b.getLong(4) != cpGeneration
          || b.getInt(12) != i) {
        throw refuse(volume, "checkpoint block " + i + " of " + activeCpBlocks + " (volume block " + (base + i)
            + ") is corrupted");
      }
      int n = b.getInt(16);
      int off = CP_HEADER;
      for (int e = 0; e < n; e++) {
        long key = b.getLong(off);
        int len = b.getInt(off + 8);
        if (len < 0 || off + ENTRY_HEADER + len > bs) {
          throw refuse(volume, "checkpoint block " + i + " has a record of " + len + " bytes that overruns it");
        }
        byte[] r = Arrays.copyOfRange(block, off + ENTRY_HEADER, off + ENTRY_HEADER + len);
        apply(key, r);
        off += ENTRY_HEADER + len;
      }
    }
    return t;
  }

  /** Follows the log's chain from the anchor, applying whole batches; finds the largest sequence number used. */
  private long replayLog() {
    long t = 0;
    long expectPrev = anchor;
    long committedPrev = anchor;
    long committedPos = 0;
    long maxSeq = anchor;
    List<Object[]> batch = new ArrayList<>();
    boolean chain = true;
    for (long p = 0; p < logBlocks; p++) {
      t = Math.max(t, volume.read(logStart + p, block, 0));
      ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
      if (b.getInt(0) != LOG_MAGIC || b.getInt(28) != blockCrc(block, 28)) {
        chain = false;
        continue;
      }
      long seq = b.getLong(4);
      maxSeq = Math.max(maxSeq, seq);
      if (!chain || b.getLong(12) != expectPrev || seq <= expectPrev) {
        chain = false;
        continue;
      }
      int n = b.getInt(20);
      int off = LOG_HEADER;
      for (int e = 0; e < n && off + ENTRY_HEADER <= bs; e++) {
        long key = b.getLong(off);
        int len = b.getInt(off + 8);
        if (len > bs - off - ENTRY_HEADER) {
          break;
        }
        batch.add(new Object[] {key, len < 0 ? null : Arrays.copyOfRange(block, off + ENTRY_HEADER, off + ENTRY_HEADER + len)});
        off += ENTRY_HEADER + Math.max(len, 0);
      }
      expectPrev = seq;
      if ((b.getInt(24) & FLAG_COMMIT) != 0) {
        for (Object[] e : batch) {
          apply((Long) e[0], (byte[]) e[1]);
        }
        batch.clear();
        committedPrev = seq;
        committedPos = p + 1;
      }
    }
    logNext = committedPos;
    prevSeq = committedPrev;
    nextSeq = maxSeq + 1;
    return t;
  }

  private void apply(long key, byte[] r) {
    byte[] old = r == null ? records.remove(key) : records.put(key, r);
    if (old != null) {
      ramBytes -= old.length + 48;
    }
    if (r != null) {
      ramBytes += r.length + 48;
    }
  }

  // ---- the API -------------------------------------------------------------------------------------

  @Override
  public long bootEpoch() {
    return epoch;
  }

  @Override
  public long readyAt() {
    return readyAt;
  }

  @Override
  public byte[] get(long key) {
    byte[] r = records.get(key);
    return r == null ? null : r.clone();
  }

  @Override
  public void put(long key, byte[] record) {
    if (record.length > maxRecordBytes()) {
      throw new IllegalArgumentException("metadata store on '" + volume.name() + "': a record of " + record.length
          + " bytes; the largest is " + maxRecordBytes());
    }
    byte[] r = record.clone();
    apply(key, r);
    pending.add(new Object[] {key, r});
  }

  @Override
  public void remove(long key) {
    if (records.containsKey(key)) {
      apply(key, null);
      pending.add(new Object[] {key, null});
    }
  }

  @Override
  public int size() {
    return records.size();
  }

  @Override
  public void forEach(RecordVisitor visitor) {
    for (Map.Entry<Long, byte[]> e : records.entrySet()) {
      visitor.visit(e.getKey(), e.getValue().clone());
    }
  }

  @Override
  public int maxRecordBytes() {
    return bs - LOG_HEADER - ENTRY_HEADER;
  }

  @Override
  public long sync(boolean durable) {
    long t = 0;
    if (!pending.isEmpty()) {
      List<List<Object[]>> blocks = pack(pending, LOG_HEADER);
      if (logNext + blocks.size() > logBlocks) {
        t = checkpoint();
      } else {
        for (int i = 0; i < blocks.size(); i++) {
          t = Math.max(t, writeLogBlock(blocks.get(i), i == blocks.size() - 1));
        }
      }
      pending.clear();
    }
    if (durable) {
      t = Math.max(t, volume.flush());
    }
    return t;
  }

  @Override
  public long blocksWritten() {
    return blocksWritten;
  }

  @Override
  public long checkpoints() {
    return checkpoints;
  }

  @Override
  public long logBlocks() {
    return logNext;
  }

  @Override
  public long ramBytes() {
    return ramBytes;
  }

  // ---- writing -------------------------------------------------------------------------------------

  /** Groups entries into blocks of {@code header} bytes of header each, in order. */
  private List<List<Object[]>> pack(List<Object[]> entries, int header) {
    List<List<Object[]>> out = new ArrayList<>();
    List<Object[]> cur = new ArrayList<>();
    int used = header;
    for (Object[] e : entries) {
      int len = ENTRY_HEADER + (e[1] == null ? 0 : ((byte[]) e[1]).length);
      if (used + len > bs) {
        out.add(cur);
        cur = new ArrayList<>();
        used = header;
      }
      cur.add(e);
      used += len;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  private int fillEntries(List<Object[]> entries, int off) {
    Arrays.fill(block, off, bs, (byte) 0);
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    for (Object[] e : entries) {
      byte[] r = (byte[]) e[1];
      b.putLong(off, (Long) e[0]);
      b.putInt(off + 8, r == null ? -1 : r.length);
      if (r != null) {
        System.arraycopy(r, 0, block, off + ENTRY_HEADER, r.length);
      }
      off += ENTRY_HEADER + (r == null ? 0 : r.length);
    }
    return off;
  }

  private long writeLogBlock(List<Object[]> entries, boolean commit) {
    fillEntries(entries, LOG_HEADER);
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    long seq = nextSeq++;
    b.putInt(0, LOG_MAGIC).putLong(4, seq).putLong(12, prevSeq).putInt(20, entries.size())
        .putInt(24, commit ? FLAG_COMMIT : 0).putInt(28, 0);
    b.putInt(28, blockCrc(block, 28));
    long t = volume.write(logStart + logNext, block, 0, false);
    blocksWritten++;
    logNext++;
    prevSeq = seq;
    return t;
  }

  /** Writes every record to the inactive checkpoint area, flushes, then switches the superblock (FUA). */
  private long checkpoint() {
    List<Object[]> all = new ArrayList<>(records.size());
    for (Map.Entry<Long, byte[]> e : records.entrySet()) {
      all.add(new Object[] {e.getKey(), e.getValue()});
    }
    List<List<Object[]>> blocks = pack(all, CP_HEADER);
    if (blocks.size() > cpBlocks) {
      throw new VolumeException("metadata store on volume '" + volume.name() + "' is full: " + records.size()
          + " records need " + blocks.size() + " checkpoint blocks, the volume's layout has " + cpBlocks
          + " (make the volume larger)");
    }
    int slot = 1 - activeSlot;
    long base = 2 + slot * cpBlocks;
    long cpGeneration = generation + 1;
    long t = 0;
    for (int i = 0; i < blocks.size(); i++) {
      fillEntries(blocks.get(i), CP_HEADER);
      ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(0, CHECKPOINT_MAGIC).putLong(4, cpGeneration).putInt(12, i).putInt(16, blocks.get(i).size()).putInt(20, 0);
      b.putInt(20, blockCrc(block, 20));
      t = Math.max(t, volume.write(base + i, block, 0, false));
      blocksWritten++;
    }
    t = Math.max(t, volume.flush());
    activeSlot = slot;
    activeCpBlocks = blocks.size();
    anchor = nextSeq++;
    prevSeq = anchor;
    logNext = 0;
    checkpoints++;
    return Math.max(t, writeSuperblockAt(cpGeneration));
  }

  /** The open's superblock: the next epoch, durable before any other write of this boot. */
  private void writeSuperblock(long after, boolean fresh) {
    epoch++;
    long cpGeneration = fresh ? 0 : currentCpGeneration;
    readyAt = Math.max(after, writeSuperblockAt(cpGeneration));
  }

  private long currentCpGeneration;

  private long writeSuperblockAt(long cpGeneration) {
    generation++;
    currentCpGeneration = cpGeneration;
    Arrays.fill(block, (byte) 0);
    ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, MAGIC).putInt(8, FORMAT_VERSION).putInt(12, bs).putLong(16, generation).putLong(24, epoch)
        .putInt(32, activeSlot).putLong(36, activeCpBlocks).putLong(44, cpGeneration).putLong(52, anchor);
    b.putInt(SB_CRC, crc(block, 0, SB_CRC));
    blocksWritten++;
    return volume.write(generation % 2, block, 0, true);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  /** CRC32C of the whole block with its 4-byte checksum field at {@code crcOffset} counted as zeros. */
  private int blockCrc(byte[] b, int crcOffset) {
    CRC32C c = new CRC32C();
    c.update(b, 0, crcOffset);
    c.update(new byte[4], 0, 4);
    c.update(b, crcOffset + 4, bs - crcOffset - 4);
    return (int) c.getValue();
  }
}
