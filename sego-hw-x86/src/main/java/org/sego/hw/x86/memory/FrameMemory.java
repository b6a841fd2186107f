package org.sego.hw.x86.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.X86;

/**
 * Physical memory as 4 KiB {@code byte[]} frames, allocated on first write in groups of 512 (one 2
 * MiB range) so that the directory itself stays small for a 16 GiB machine. Words are accessed
 * little-endian through a {@link VarHandle}. A zeroed frame reads as the shared zero frame and gives
 * its array to a small pool that the next frames written take from (zero-filled unless the write
 * covers the whole frame), so zeroing and rewriting pages allocates nothing.
 */
public final class FrameMemory implements PhysicalMemory {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int GROUP_SHIFT = 9;
  private static final int GROUP_MASK = (1 << GROUP_SHIFT) - 1;
  private static final byte[] ZERO_FRAME = new byte[X86.PAGE_SIZE];

  private final long sizeBytes;
  private final byte[][][] groups;
  private long resident;
  /** Arrays of zeroed frames, not yet filled with zeros, for frames written next. */
  private final byte[][] spare = new byte[SPARE_MAX][];
  private int spareCount;
  private static final int SPARE_MAX = 512;

  public FrameMemory(long sizeBytes) {
    if (sizeBytes <= 0 || (sizeBytes & X86.PAGE_MASK) != 0) {
      throw new IllegalArgumentException("memory size " + sizeBytes + " must be a positive multiple of 4 KiB");
    }
    this.sizeBytes = sizeBytes;
    long frames = sizeBytes >>> X86.PAGE_SHIFT;
    this.groups = new byte[(int) ((frames + GROUP_MASK) >>> GROUP_SHIFT)][][];
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public long residentFrames() {
    return resident;
  }

  /** The frame for reading: a shared zero frame if never written. */
  private byte[] frameForRead(long hfn) {
    checkFrame(hfn);
    byte[][] g = groups[(int) (hfn >>> GROUP_SHIFT)];
    if (g == null) {
      return ZERO_FRAME;
    }
    byte[] f = g[(int) (hfn & GROUP_MASK)];
    return f == null ? ZERO_FRAME : f;
  }

  private byte[] frameForWrite(long hfn) {
    return frameForWrite(hfn, false);
  }

  /** The frame for writing, given bytes if it had none; {@code whole}: the caller writes all of it. */
  private byte[] frameForWrite(long hfn, boolean whole) {
    checkFrame(hfn);
    int gi = (int) (hfn >>> GROUP_SHIFT);
    byte[][] g = groups[gi];
    if (g == null) {
      g = new byte[1 << GROUP_SHIFT][];
      groups[gi] = g;
    }
    int fi = (int) (hfn & GROUP_MASK);
    byte[] f = g[fi];
    if (f == null) {
      if (spareCount > 0) {
        f = spare[--spareCount];
        spare[spareCount] = null;
        if (!whole) {
          Arrays.fill(f, (byte) 0);
        }
      } else {
        f = new byte[X86.PAGE_SIZE];
      }
      g[fi] = f;
      resident++;
    }
    return f;
  }

  private void checkFrame(long hfn) {
    if (hfn < 0 || hfn >= (sizeBytes >>> X86.PAGE_SHIFT)) {
      throw new IndexOutOfBoundsException("host frame 0x" + Long.toHexString(hfn) + " beyond memory of "
          + (sizeBytes >>> X86.PAGE_SHIFT) + " frames");
    }
  }

  @Override
  public long load64(long hpa) {
    int off = (int) (hpa & X86.PAGE_MASK);
    if (off <= X86.PAGE_SIZE - 8) {
      return (long) LONGS.get(frameForRead(hpa >>> X86.PAGE_SHIFT), off);
    }
    byte[] b = new byte[8];
    read(hpa, b, 0, 8);
    return (long) LONGS.get(b, 0);
  }

  @Override
  public void store64(long hpa, long value) {
    int off = (int) (hpa & X86.PAGE_MASK);
    if (off <= X86.PAGE_SIZE - 8) {
      LONGS.set(frameForWrite(hpa >>> X86.PAGE_SHIFT), off, value);
      return;
    }
    byte[] b = new byte[8];
    LONGS.set(b, 0, value);
    write(hpa, b, 0, 8);
  }

  @Override
  public byte load8(long hpa) {
    return frameForRead(hpa >>> X86.PAGE_SHIFT)[(int) (hpa & X86.PAGE_MASK)];
  }

  @Override
  public void store8(long hpa, byte value) {
    frameForWrite(hpa >>> X86.PAGE_SHIFT)[(int) (hpa & X86.PAGE_MASK)] = value;
  }

  @Override
  public void read(long hpa, byte[] dst, int off, int len) {
    while (len > 0) {
      int inFrame = (int) (hpa & X86.PAGE_MASK);
      int n = Math.min(len, X86.PAGE_SIZE - inFrame);
      System.arraycopy(frameForRead(hpa >>> X86.PAGE_SHIFT), inFrame, dst, off, n);
      hpa += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void write(long hpa, byte[] src, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, src.length); // before a frame gets a spare array
    while (len > 0) {
      int inFrame = (int) (hpa & X86.PAGE_MASK);
      int n = Math.min(len, X86.PAGE_SIZE - inFrame);
      System.arraycopy(src, off, frameForWrite(hpa >>> X86.PAGE_SHIFT, n == X86.PAGE_SIZE), inFrame, n);
      hpa += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void zeroFrame(long hfn) {
    checkFrame(hfn);
    byte[][] g = groups[(int) (hfn >>> GROUP_SHIFT)];
    int fi = (int) (hfn & GROUP_MASK);
    if (g != null && g[fi] != null) {
      // A zero frame needs no bytes: its array goes to the pool (or to the collector if it is full).
      if (spareCount < SPARE_MAX) {
        spare[spareCount++] = g[fi];
      }
      g[fi] = null;
      resident--;
    }
  }

  @Override
  public void copyFrame(long srcHfn, long dstHfn) {
    byte[] src = frameForRead(srcHfn);
    if (src == ZERO_FRAME) {
      zeroFrame(dstHfn);
      return;
    }
    System.arraycopy(src, 0, frameForWrite(dstHfn, true), 0, X86.PAGE_SIZE);
  }

  @Override
  public void fillFrame(long hfn, FrameFiller filler) {
    byte[] f = frameForWrite(hfn, true);
    try {
      filler.fill(f, 0);
    } catch (RuntimeException | Error e) {
      Arrays.fill(f, (byte) 0); // never leave a reused array's old bytes in a frame
      throw e;
    }
  }

  @Override
  public boolean framesEqual(long hfnA, long hfnB) {
    return Arrays.equals(frameForRead(hfnA), frameForRead(hfnB));
  }
}
