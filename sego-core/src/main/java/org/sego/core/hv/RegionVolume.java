package org.sego.core.hv;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.PowerFailure;
import org.sego.api.storage.Volume;
import org.sego.api.storage.VolumeKind;

/**
 * Blocks {@code first ..} of a device's volume as a volume of their own (volume key {@code
 * hypervisor-region}): the guest's part (from block 0, so its block numbers are the device's) and
 * the hypervisor's part at the end, one write cache, one flush, one power failure between them.
 * The guest's part answers for the device (its log, its image, its power failure, its close); the
 * hypervisor's part only moves bytes.
 */
final class RegionVolume implements Volume {
  private final Volume device;
  private final String name;
  private final VolumeKind kind;
  private final long first;
  private final long count;
  private final boolean owner;

  RegionVolume(Volume device, String name, VolumeKind kind, long first, long count) {
    this.device = device;
    this.name = name;
    this.kind = kind;
    this.first = first;
    this.count = count;
    this.owner = first == 0;
  }

  /** The device this region is part of. */
  String deviceName() {
    return device.name();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public VolumeKind kind() {
    return kind;
  }

  @Override
  public int blockSize() {
    return device.blockSize();
  }

  @Override
  public long blockCount() {
    return count;
  }

  @Override
  public int atomicWriteBytes() {
    return device.atomicWriteBytes();
  }

  private long at(long block) {
    if (block < 0 || block >= count) {
      throw new IllegalArgumentException(name + " has blocks 0.." + (count - 1) + "; block " + block + " is outside it");
    }
    return first + block;
  }

  @Override
  public void read(long block, byte[] dst, int off) {
    device.read(at(block), dst, off);
  }

  @Override
  public void write(long block, byte[] src, int off, boolean fua) {
    device.write(at(block), src, off, fua);
  }

  @Override
  public byte[] writeOwned(long block, byte[] data, boolean fua) {
    return device.writeOwned(at(block), data, fua);
  }

  @Override
  public void flush() {
    device.flush();
  }

  @Override
  public List<IoRecord> pendingWrites() {
    return owner ? device.pendingWrites() : List.of();
  }

  @Override
  public List<IoRecord> log() {
    return owner ? device.log() : List.of();
  }

  @Override
  public void powerFail(PowerFailure failure) {
    if (owner) {
      device.powerFail(failure);
    }
  }

  @Override
  public Optional<Path> image() {
    return owner ? device.image() : Optional.empty();
  }

  @Override
  public void close() {
    if (owner) {
      device.close();
    }
  }
}
