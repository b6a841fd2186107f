package org.sego.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.Volume;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.storage.VolumeException;
import org.sego.api.storage.VolumeKind;

/**
 * A volume: a durable store behind a volatile write cache. A plain write is acknowledged into the
 * cache; {@link #flush()} makes every earlier write durable; a FUA write is durable on return and
 * supersedes older cached writes of its block. A power failure applies a chosen subset of the
 * cached writes, torn at the atomic size, and drops the rest. Every write, FUA and flush is logged.
 */
final class CachedVolume implements Volume {
  private final VolumeConfig config;
  private final DurableStore store;
  private final List<IoRecord> pending = new ArrayList<>();
  /** Latest cached bytes per block, for reads. */
  private final Map<Long, byte[]> cached = new HashMap<>();
  private final List<IoRecord> log = new ArrayList<>();
  private long seq;
  private boolean closed;

  CachedVolume(VolumeConfig config, DurableStore store) {
    this.config = config;
    this.store = store;
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
    byte[] data = new byte[blockSize()];
    System.arraycopy(src, off, data, 0, data.length);
    boolean direct = fua || !config.writeCache();
    IoRecord record = new IoRecord(seq++, fua ? IoRecord.Op.WRITE_FUA : IoRecord.Op.WRITE, block, data);
    log.add(config.keepLogData() ? record : new IoRecord(record.seq(), record.op(), block, null));
    if (direct) {
      // Durable now; older cached writes of this block can no longer reach the medium after it.
      for (Iterator<IoRecord> it = pending.iterator(); it.hasNext(); ) {
        if (it.next().block() == block) {
          it.remove();
        }
      }
      cached.remove(block);
      store.writeBytes(block, 0, data, 0, data.length);
      store.force();
    } else {
      pending.add(record);
      cached.put(block, data);
    }
  }

  @Override
  public void flush() {
    if (closed) {
      throw new VolumeException("volume '" + name() + "' is closed");
    }
    log.add(new IoRecord(seq++, IoRecord.Op.FLUSH, -1, null));
    for (IoRecord w : pending) {
      store.writeBytes(w.block(), 0, w.data(), 0, w.data().length);
    }
    pending.clear();
    cached.clear();
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
    pending.clear();
    cached.clear();
    store.force();
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
}
