package org.sego.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.sego.api.wiring.VolumeConfig;
import org.sego.api.storage.VolumeException;
import org.sego.api.storage.VolumeKind;

/**
 * A volume image file: a 4 KiB header (magic, format version, kind, geometry, CRC32C) then the
 * blocks. An existing file is validated and refused, never overwritten, if it is foreign,
 * corrupted, truncated, of another geometry or of another kind.
 */
final class ImageFile implements DurableStore {
  static final int HEADER_BYTES = 4096;
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = "SEGOVOL\0".getBytes(StandardCharsets.US_ASCII);
  private static final int CRC_OFFSET = 40;

  private final Path path;
  private final FileChannel channel;
  private final int blockSize;

  private ImageFile(Path path, FileChannel channel, int blockSize) {
    this.path = path;
    this.channel = channel;
    this.blockSize = blockSize;
  }

  static ImageFile open(Path path, VolumeConfig config) {
    try {
      if (Files.exists(path)) {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
          validate(path, ch, config);
        } catch (VolumeException e) {
          ch.close();
          throw e;
        }
        return new ImageFile(path, ch, config.blockSize());
      }
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      ByteBuffer header = header(config);
      ch.write(header, 0);
      // Sparse: blocks never written read as zeros and take no disk space.
      ch.write(ByteBuffer.wrap(new byte[1]), HEADER_BYTES + (long) config.blockSize() * config.blockCount() - 1);
      ch.force(true);
      return new ImageFile(path, ch, config.blockSize());
    } catch (IOException e) {
      throw new VolumeException("volume '" + config.name() + "': cannot open image " + path + ": " + e.getMessage(), e);
    }
  }

  static ByteBuffer header(VolumeConfig config) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC);
    b.putInt(FORMAT_VERSION);
    b.putInt(config.kind().ordinal());
    b.putInt(config.blockSize());
    b.putLong(config.blockCount());
    b.putInt(config.atomicWriteBytes());
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, CRC_OFFSET);
    b.putInt(CRC_OFFSET, (int) crc.getValue());
    b.position(0);
    return b;
  }

  private static void validate(Path path, FileChannel ch, VolumeConfig config) throws IOException {
    String name = "volume '" + config.name() + "': image " + path;
    long size = ch.size();
    if (size < HEADER_BYTES) {
      throw new VolumeException(name + " is truncated: " + size + " bytes, shorter than its " + HEADER_BYTES
          + "-byte header; refusing to use or overwrite it");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    ch.read(b, 0);
    byte[] magic = Arrays.copyOf(b.array(), MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new VolumeException(name + " is not a Sego volume image (no SEGOVOL magic); refusing to use or overwrite it");
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, CRC_OFFSET);
    if ((int) crc.getValue() != b.getInt(CRC_OFFSET)) {
      throw new VolumeException(name + " has a corrupted header (checksum mismatch); refusing to use or overwrite it");
    }
    int version = b.getInt(8);
    if (version != FORMAT_VERSION) {
      throw new VolumeException(name + " has format version " + version + "; this Sego reads version " + FORMAT_VERSION);
    }
    int kind = b.getInt(12);
    if (kind != config.kind().ordinal()) {
      throw new VolumeException(name + " is a " + VolumeKind.values()[Math.min(kind, 1)].name().toLowerCase()
          + " volume, not a " + config.kind().name().toLowerCase() + " volume; a hypervisor-only image is never given to the guest");
    }
    int blockSize = b.getInt(16);
    long blockCount = b.getLong(20);
    if (blockSize != config.blockSize() || blockCount != config.blockCount()) {
      throw new VolumeException(name + " holds " + blockCount + " blocks of " + blockSize + " B, but the spec asks for "
          + config.blockCount() + " blocks of " + config.blockSize() + " B; fix the spec or use another image");
    }
    long expected = HEADER_BYTES + (long) blockSize * blockCount;
    if (size < expected) {
      throw new VolumeException(name + " is truncated: " + size + " bytes, expected " + expected
          + "; refusing to use or overwrite it");
    }
  }

  @Override
  public void readBlock(long block, byte[] dst, int off) {
    ByteBuffer b = ByteBuffer.wrap(dst, off, blockSize);
    try {
      long pos = HEADER_BYTES + block * blockSize;
      while (b.hasRemaining()) {
        if (channel.read(b, pos + b.position() - off) < 0) {
          throw new VolumeException("image " + path + " ended while reading block " + block);
        }
      }
    } catch (IOException e) {
      throw new VolumeException("image " + path + ": cannot read block " + block + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void writeBytes(long block, int offsetInBlock, byte[] src, int off, int len) {
    ByteBuffer b = ByteBuffer.wrap(src, off, len);
    try {
      long pos = HEADER_BYTES + block * blockSize + offsetInBlock;
      while (b.hasRemaining()) {
        channel.write(b, pos + b.position() - off);
      }
    } catch (IOException e) {
      throw new VolumeException("image " + path + ": cannot write block " + block + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void force() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new VolumeException("image " + path + ": fsync failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new VolumeException("image " + path + ": close failed: " + e.getMessage(), e);
    }
  }
}
