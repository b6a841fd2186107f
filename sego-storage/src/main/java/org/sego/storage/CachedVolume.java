package org.sego.storage;

import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.storage.VolumeException;
import org.sego.api.storage.VolumeKind;
import org.sego.support.ChunkedLongArray;
import org.sego.support.ChunkedRefArray;

/**
 * A volume: a durable store behind a volatile write cache. A plain write is acknowledged into the
 * cache; {@link #flush()} makes every earlier write durable; a FUA write is durable on return and
 * supersedes older cached writes of its block. The cache has a capacity ({@link
 * VolumeConfig#writeCacheBytes()}): beyond it the oldest cached writes are destaged to the medium, in
 * order, as a device's firmware would. A power failure applies a chosen subset of the cached writes,
 * torn at the atomic size, and drops the rest. Every write, FUA and flush is logged; a write's bytes
 * only if the configuration keeps them, so the heap holds at most the cache, whatever was written
 * (a log without bytes is 8 bytes per entry: kind and block packed in a {@code long}).
 */
final class CachedVolume implements Volume {
  private final VolumeConfig config;
  private final DurableStore store;
  /** Cached (unflushed) writes, oldest first. */
  private final ArrayDeque<IoRecord> pending = new ArrayDeque<>();
  /** Latest cached bytes per block, for reads. */
  private final ChunkedRefArray<byte[]> cached;
  /** How many cached writes each block has (a FUA write looks for older ones only where there are some). */
  private final ChunkedLongArray pendingPerBlock;
  private final long cacheBlocks;
  /**
   * Arrays of destaged or flushed writes, reused by later writes (only when the log keeps no
   * bytes); at most the cache's capacity, which the cache itself may hold.
   */
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  private final List<IoRecord> log;
  /** The log when it keeps no bytes (else null). */
  private final PackedLog packed;
  private long seq;
  private boolean closed;

  CachedVolume(VolumeConfig config, DurableStore store) {
    this.config = config;
    this.store = store;
    this.cacheBlocks = Math.max(1, config.writeCacheBytes() / config.blockSize());
    // Indexed by block: no hashing on the read and write paths; chunks appear as blocks are written.
    this.cached = new ChunkedRefArray<>(config.blockCount());
    this.pendingPerBlock = new ChunkedLongArray(config.blockCount());
    this.packed = config.keepLogData() ? null : new PackedLog();
    this.log = packed == null ? new ArrayList<>() : packed;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public VolumeKind kind() {
    return config.kind();
  }

  @Override
  public int blockSize() {
    return config.blockSize();
  }

  @Override
  public long blockCount() {
    return config.blockCount();
  }

  @Override
  public int atomicWriteBytes() {
    return config.atomicWriteBytes();
  }

  private void check(long block) {
    if (closed) {
      throw new VolumeException("volume '" + name() + "' is closed");
    }
    if (block < 0 || block >= config.blockCount()) {
      throw new VolumeException("volume '" + name() + "': block " + block + " outside 0.." + (config.blockCount() - 1));
    }
  }

  @Override
  public void read(long block, byte[] dst, int off) {
    check(block);
    byte[] c = cached.get(block);
    if (c != null) {
      System.arraycopy(c, 0, dst, off, blockSize());
    } else {
      store.readBlock(block, dst, off);
    }
  }

  @Override
  public void write(long block, byte[] src, int off, boolean fua) {
    check(block);
    byte[] data = free.isEmpty() ? new byte[blockSize()] : free.pollFirst();
    System.arraycopy(src, off, data, 0, data.length);
    accept(block, data, fua);
  }

  /** Takes {@code data} as the write's own bytes (no copy) and gives back an array of a write that left the cache. */
  @Override
  public byte[] writeOwned(long block, byte[] data, boolean fua) {
    if (data.length != blockSize()) {
      write(block, data, 0, fua);
      return data;
    }
    check(block);
    accept(block, data, fua);
    return free.pollFirst();
  }

  /** A write of {@code data}, an array the cache now owns. */
  private void accept(long block, byte[] data, boolean fua) {
    boolean direct = fua || !config.writeCache();
    IoRecord record = new IoRecord(seq++, fua ? IoRecord.Op.WRITE_FUA : IoRecord.Op.WRITE, block, data);
    logEntry(record);
    if (direct) {
      // Durable now; older cached writes of this block can no longer reach the medium after it.
      if (pendingPerBlock.get(block) != 0) {
        pendingPerBlock.set(block, 0);
        pending.removeIf(w -> w.block() == block);
      }
      recycle(cached.set(block, null));
      toMedium(block, data);
      store.force();
    } else {
      pending.add(record);
      pendingPerBlock.set(block, pendingPerBlock.get(block) + 1);
      cached.set(block, data);
      while (pending.size() > cacheBlocks) {
        destageOldest();
      }
    }
  }

  /**
   * The bytes of a write reach the medium: the store takes the array itself, and the one it held
   * is reused, unless the log keeps the write's bytes (then the store copies them).
   */
  private void toMedium(long block, byte[] data) {
    if (config.keepLogData()) {
      store.writeBytes(block, 0, data, 0, data.length);
    } else {
      recycle(store.writeBlockOwned(block, data));
    }
  }

  private void logEntry(IoRecord r) {
    if (packed != null) {
      packed.append(r.op(), r.block());
    } else {
      log.add(r);
    }
  }

  /** The cache is full: its oldest write reaches the medium (and is no longer volatile). */
  private void destageOldest() {
    IoRecord w = pending.removeFirst();
    pendingPerBlock.set(w.block(), pendingPerBlock.get(w.block()) - 1);
    if (cached.get(w.block()) == w.data()) {
      cached.set(w.block(), null); // no newer cached write of the block: the medium holds the latest
    }
    toMedium(w.block(), w.data());
  }

  /**
   * {@code data} is no longer referenced by the cache or the store (each write has its own array,
   * and it has left the pending queue, the read map and the medium): a later write may reuse it,
   * unless the log keeps it.
   */
  private void recycle(byte[] data) {
    if (data != null && !config.keepLogData() && free.size() < cacheBlocks) {
      free.addFirst(data);
    }
  }

  @Override
  public void flush() {
    if (closed) {
      throw new VolumeException("volume '" + name() + "' is closed");
    }
    logEntry(new IoRecord(seq++, IoRecord.Op.FLUSH, -1, null));
    forgetPending();
    for (IoRecord w : pending) {
      toMedium(w.block(), w.data());
    }
    pending.clear();
    store.force();
  }

  @Override
  public List<IoRecord> pendingWrites() {
    return Collections.unmodifiableList(new ArrayList<>(pending));
  }

  @Override
  public List<IoRecord> log() {
    return Collections.unmodifiableList(log);
  }

  @Override
  public void powerFail(PowerFailure failure) {
    int unit = config.atomicWriteBytes();
    int units = blockSize() / unit;
    for (IoRecord w : pending) {
      long mask = failure.survivingUnits(w, units);
      for (int u = 0; u < units; u++) {
        if ((mask & (1L << u)) != 0) {
          store.writeBytes(w.block(), u * unit, w.data(), u * unit, unit);
        }
      }
    }
    forgetPending();
    pending.clear();
    store.force();
  }

  /** Clears the read map and the per-block counts of every cached write (only their blocks: no scan). */
  private void forgetPending() {
    for (IoRecord w : pending) {
      cached.set(w.block(), null);
      pendingPerBlock.set(w.block(), 0);
    }
  }

  @Override
  public Optional<Path> image() {
    return config.image();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      store.close();
    }
  }

  /**
   * The log when it keeps no bytes: each entry's kind and block packed in one {@code long}, in
   * chunks (no copying as it grows); its records are made when read, with the entry's index as
   * their sequence number and no data.
   */
  private static final class PackedLog extends AbstractList<IoRecord> {
    private static final int CHUNK_SHIFT = 14;
    private static final IoRecord.Op[] OPS = IoRecord.Op.values();
    private final List<long[]> chunks = new ArrayList<>();
    private int size;

    void append(IoRecord.Op op, long block) {
      if ((size & ((1 << CHUNK_SHIFT) - 1)) == 0) {
        chunks.add(new long[1 << CHUNK_SHIFT]);
      }
      chunks.get(size >>> CHUNK_SHIFT)[size & ((1 << CHUNK_SHIFT) - 1)] = ((block + 1) << 2) | op.ordinal();
      size++;
    }

    @Override
    public IoRecord get(int index) {
      java.util.Objects.checkIndex(index, size);
      long e = chunks.get(index >>> CHUNK_SHIFT)[index & ((1 << CHUNK_SHIFT) - 1)];
      return new IoRecord(index, OPS[(int) (e & 3)], (e >>> 2) - 1, null);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
