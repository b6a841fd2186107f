package org.sego.storage;

import org.sego.support.ChunkedRefArray;

/** A durable store in host memory; blocks never written read as zeros and cost nothing. */
final class MemoryStore implements DurableStore {
  private final int blockSize;
  /** Each block's bytes, indexed by block (no hashing); null until first written. */
  private final ChunkedRefArray<byte[]> blocks;

  MemoryStore(int blockSize, long blockCount) {
    this.blockSize = blockSize;
    this.blocks = new ChunkedRefArray<>(blockCount);
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
      blocks.set(block, b);
    }
    System.arraycopy(src, off, b, offsetInBlock, len);
  }

  @Override
  public byte[] writeBlockOwned(long block, byte[] data) {
    if (data.length != blockSize) {
      writeBytes(block, 0, data, 0, data.length);
      return data;
    }
    return blocks.set(block, data);
  }

  @Override
  public void force() {}

  @Override
  public void close() {}
}
