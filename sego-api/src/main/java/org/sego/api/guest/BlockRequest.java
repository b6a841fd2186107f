package org.sego.api.guest;

import org.sego.api.Experimental;

/**
 * A block I/O request: {@code count} blocks from {@code block} of {@code device}, moved by DMA to or
 * from guest-physical memory starting at {@code bufferGpa} (contiguous), for {@code purpose}.
 */
@Experimental("grows with the guest kernel")
public record BlockRequest(String device, boolean write, long block, int count, long bufferGpa, boolean fua,
    IoPurpose purpose) {
  public BlockRequest {
    if (purpose == null) {
      purpose = IoPurpose.RAW;
    }
  }

  /** A request that says nothing of its purpose ({@link IoPurpose#RAW}). */
  public BlockRequest(String device, boolean write, long block, int count, long bufferGpa, boolean fua) {
    this(device, write, block, count, bufferGpa, fua, IoPurpose.RAW);
  }

  public static BlockRequest read(String device, long block, int count, long bufferGpa) {
    return new BlockRequest(device, false, block, count, bufferGpa, false);
  }

  public static BlockRequest write(String device, long block, int count, long bufferGpa) {
    return new BlockRequest(device, true, block, count, bufferGpa, false);
  }

  public static BlockRequest read(String device, long block, int count, long bufferGpa, IoPurpose purpose) {
    return new BlockRequest(device, false, block, count, bufferGpa, false, purpose);
  }

  public static BlockRequest write(String device, long block, int count, long bufferGpa, IoPurpose purpose) {
    return new BlockRequest(device, true, block, count, bufferGpa, false, purpose);
  }
}
