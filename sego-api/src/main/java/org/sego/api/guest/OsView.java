package org.sego.api.guest;

import org.sego.api.Experimental;

/**
 * Guest-physical memory as the kernel sees it: through the OS's EPT view. A frame the strategy
 * denies reads as {@link #DENIED} (bulk calls) or throws the preallocated {@link
 * OsAccessDenied} (word access). The kernel has no other way to touch memory.
 */
@Experimental("grows with the guest kernel")
public interface OsView {
  int OK = 0;
  int DENIED = -1;

  /** Number of guest frames (gfn 0 .. guestFrames-1). */
  long guestFrames();

  long load64(long gpa);

  void store64(long gpa, long value);

  int read(long gpa, byte[] dst, int off, int len);

  int write(long gpa, byte[] src, int off, int len);

  int zeroFrame(long gfn);

  int copyFrame(long srcGfn, long dstGfn);
}
