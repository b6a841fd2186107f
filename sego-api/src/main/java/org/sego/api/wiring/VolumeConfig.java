package org.sego.api.wiring;

import org.sego.api.storage.VolumeKind;

import java.nio.file.Path;
import java.util.Optional;
import org.sego.api.Experimental;

/** How to open a volume: geometry, cache behaviour, and an optional image file. */
@Experimental("composition and lifecycle")
public record VolumeConfig(
    String name,
    VolumeKind kind,
    int blockSize,
    long blockCount,
    int atomicWriteBytes,
    boolean writeCache,
    boolean keepLogData,
    Optional<Path> image,
    long writeCacheBytes) {
  /** The default capacity of a volume's volatile write cache. */
  public static final long DEFAULT_WRITE_CACHE_BYTES = 64L << 20;

  /** A volume whose write cache holds {@link #DEFAULT_WRITE_CACHE_BYTES}. */
  public VolumeConfig(String name, VolumeKind kind, int blockSize, long blockCount, int atomicWriteBytes,
      boolean writeCache, boolean keepLogData, Optional<Path> image) {
    this(name, kind, blockSize, blockCount, atomicWriteBytes, writeCache, keepLogData, image, DEFAULT_WRITE_CACHE_BYTES);
  }

  public VolumeConfig {
    if (writeCacheBytes < 0) {
      throw new IllegalArgumentException(name + ": write cache size " + writeCacheBytes + " must not be negative");
    }
    if (Integer.bitCount(blockSize) != 1 || blockSize < 512) {
      throw new IllegalArgumentException(name + ": block size " + blockSize + " must be a power of two, at least 512");
    }
    if (atomicWriteBytes <= 0 || blockSize % atomicWriteBytes != 0 || blockSize / atomicWriteBytes > 64) {
      throw new IllegalArgumentException(name + ": atomic write size " + atomicWriteBytes
          + " must divide the block size " + blockSize + " into at most 64 units");
    }
    if (blockCount <= 0) {
      throw new IllegalArgumentException(name + ": a volume needs at least one block");
    }
  }

  public static VolumeConfig inMemory(String name, VolumeKind kind, int blockSize, long blockCount) {
    return new VolumeConfig(name, kind, blockSize, blockCount, 512, true, true, Optional.empty());
  }
}
