package org.sego.api.storage;

import org.sego.api.Experimental;

/**
 * The hypervisor's durable metadata (DESIGN §9): a log-structured store of records, keyed by a
 * {@code long} the strategy chooses, on a hypervisor-only {@link TimedVolume}, so it obeys the same
 * flush, torn-write and crash model as every device. Records are the strategy's bytes; the store
 * never interprets them.
 *
 * <p>{@link #put} and {@link #remove} change the store's state at once (a {@link #get} sees them)
 * and buffer a log entry; {@link #sync} writes the buffered entries as one atomic batch, so that
 * after any crash the store recovers to its state at some {@code sync} — at least the last {@code
 * sync(true)} that completed, at most the last one issued. When the log passes its bound the store
 * checkpoints: it writes every record to the inactive checkpoint area, flushes, and switches its
 * superblock, so the log stays bounded whatever the run's length.
 *
 * <p>Opening the store begins a boot: the epoch, one more than the last boot's, is written durably
 * before the store's first other write, so versions and nonces of the form {@code (bootEpoch,
 * counter)} are never reused after a power failure. An image that is not a store, is of another
 * format or is corrupted is refused with the volume and the problem named, and never written.
 */
@Experimental("hypervisor storage")
public interface MetadataStore {
  /** This boot's epoch: 1 on a fresh volume, one more at each open. */
  long bootEpoch();

  /**
   * When the open's reads (the recovery) and its epoch write complete on the device: a strategy that
   * must wait for its metadata before the guest boots charges the difference from now.
   */
  long readyAt();

  /** The record under {@code key} (a copy), or null. */
  byte[] get(long key);

  /** Sets the record under {@code key}; at most {@link #maxRecordBytes()} bytes. */
  void put(long key, byte[] record);

  /** Removes the record under {@code key}, if any. */
  void remove(long key);

  /** Records in the store. */
  int size();

  /** Calls {@code visitor} for every record, by ascending key. */
  void forEach(RecordVisitor visitor);

  /**
   * Writes the entries buffered since the last sync as one batch (and a checkpoint, when the log is
   * full); with {@code durable}, flushes the device after them. Returns the time at which the last
   * of its requests completes (now, when nothing was buffered and nothing needs flushing).
   */
  long sync(boolean durable);

  /** The largest record the store accepts. */
  int maxRecordBytes();

  /** Blocks written since open, checkpoints taken, and the log's length now in blocks. */
  long blocksWritten();

  long checkpoints();

  long logBlocks();

  /** Host memory the store holds for its records, in bytes (approximate, counted in the results). */
  long ramBytes();

  @FunctionalInterface
  interface RecordVisitor {
    void visit(long key, byte[] record);
  }
}
