package org.sego.api.hw;

import org.sego.api.Stable;

/**
 * Host-physical memory of 4 KiB frames holding real bytes, allocated on first touch: a frame never
 * written reads as zeros and costs no heap. A host object: only the trusted side holds it.
 */
@Stable(since = "0.1")
public interface PhysicalMemory {
  long sizeBytes();

  default long frameCount() {
    return sizeBytes() >>> X86.PAGE_SHIFT;
  }

  /** Frames that hold bytes on the host heap. */
  long residentFrames();

  long load64(long hpa);

  void store64(long hpa, long value);

  byte load8(long hpa);

  void store8(long hpa, byte value);

  /** Copies {@code len} bytes from {@code hpa}; may cross frames. */
  void read(long hpa, byte[] dst, int off, int len);

  void write(long hpa, byte[] src, int off, int len);

  void zeroFrame(long hfn);

  void copyFrame(long srcHfn, long dstHfn);

  boolean framesEqual(long hfnA, long hfnB);

  /** Receives a frame's own bytes for the duration of one call. */
  @FunctionalInterface
  interface FrameFiller {
    /** Fills all 4 KiB of {@code array} from {@code offset}; the array may not be kept after the call. */
    void fill(byte[] array, int offset);
  }

  /**
   * Has {@code filler} write all 4 KiB of frame {@code hfn} in place: a device's DMA into memory
   * without a bounce buffer. The default fills a temporary array and writes it.
   */
  default void fillFrame(long hfn, FrameFiller filler) {
    byte[] tmp = new byte[X86.PAGE_SIZE];
    filler.fill(tmp, 0);
    write(hfn << X86.PAGE_SHIFT, tmp, 0, X86.PAGE_SIZE);
  }
}
