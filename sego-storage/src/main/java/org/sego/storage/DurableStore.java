package org.sego.storage;

/** What survives a power failure: block bytes on the medium. */
interface DurableStore extends AutoCloseable {
  void readBlock(long block, byte[] dst, int off);

  /** Writes {@code len} bytes at {@code offsetInBlock} of {@code block}. */
  void writeBytes(long block, int offsetInBlock, byte[] src, int off, int len);

  /** Forces written bytes to stable storage (fsync for a file). */
  void force();

  @Override
  void close();
}
