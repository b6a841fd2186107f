package org.sego.storage;

/** What survives a power failure: block bytes on the medium. */
interface DurableStore extends AutoCloseable {
  void readBlock(long block, byte[] dst, int off);

  /** Writes {@code len} bytes at {@code offsetInBlock} of {@code block}. */
  void writeBytes(long block, int offsetInBlock, byte[] src, int off, int len);

  /**
   * Writes all of {@code block} from {@code data}, which the store may keep as its own; returns an
   * array of the block's size that the caller may reuse, or null. The default copies.
   */
  default byte[] writeBlockOwned(long block, byte[] data) {
    writeBytes(block, 0, data, 0, data.length);
    return data;
  }

  /** Forces written bytes to stable storage (fsync for a file). */
  void force();

  @Override
  void close();
}
