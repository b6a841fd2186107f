package org.sego.storage;

import org.sego.support.LongObjectMap;

/** A durable store in host memory; blocks never written read as zeros and cost nothing. */
final class MemoryStore implements DurableStore {
  private final int blockSize;
  private final LongObjectMap<byte[]> blocks = new LongObjectMap<>();

  MemoryStore(int blockSize) {
    this.blockSize = blockSize;
  }

  @Override
  public void readBlock(long block, byte[] dst, int off) {
    byte[] b = blocks.get(block);
    if (b == null) {
      java.util.Arrays.fill(dst, off, off + blockSize, (byte) 0);
    } else {
      System.arraycopy(b, 0, dst, off, blockSize);
    }
  }

  @Override
  public void writeBytes(long block, int offsetInBlock, byte[] src, int off, int len) {
    byte[] b = blocks.get(block);
    if (b == null) {
      b = new byte[blockSize];
      blocks.put(block, b);
    }
    System.arraycopy(src, off, b, offsetInBlock, len);
  }

  @Override
  public void force() {}

  @Override
  public void close() {}
}
