package org.sego.api.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.sego.api.Experimental;

/**
 * The bytes and durability of one device: blocks, a volatile write cache, flush and FUA, torn writes
 * at the atomic size, and a log of every write, FUA and flush. Timing is the device model's, never
 * the volume's. A host object.
 */
@Experimental("used by crash consistency")
public interface Volume extends AutoCloseable {
  String name();

  VolumeKind kind();

  int blockSize();

  long blockCount();

  /** Bytes written indivisibly; a torn write keeps whole units only. */
  int atomicWriteBytes();

  /** Reads one block as the device returns it now (write cache included). */
  void read(long block, byte[] dst, int off);

  /** Writes one block; with {@code fua} it is durable when the call returns. */
  void write(long block, byte[] src, int off, boolean fua);

  /**
   * Writes one whole block from {@code data}, an array of {@link #blockSize()} bytes that the volume
   * may keep as its own: the caller must not touch it again. Returns an array of the same size the
   * caller may reuse (its bytes are garbage), or null. The same as {@link #write} otherwise; the
   * default copies and gives {@code data} back.
   */
  default byte[] writeOwned(long block, byte[] data, boolean fua) {
    write(block, data, 0, fua);
    return data;
  }

  /** Makes every earlier write durable. */
  void flush();

  /**
   * Writes not yet durable, oldest first. Their bytes are the cache's own: read them before the next
   * write, which may reuse the array of a write that has left the cache.
   */
  List<IoRecord> pendingWrites();

  /** Every write, FUA and flush since open, in order. */
  List<IoRecord> log();

  /** Drops the write cache as a power failure would, keeping what {@code failure} selects. */
  void powerFail(PowerFailure failure);

  /** The image file, for a file-backed volume. */
  Optional<Path> image();

  @Override
  void close();
}
