package org.sego.api.hv;

import org.sego.api.Experimental;

/**
 * An allocator of host frames the guest cannot address (they lie above guest memory and no EPT view
 * of the OS maps them): the hypervisor's own pages for metadata, buffers and copies.
 */
@Experimental("grows with the strategies")
public interface HypervisorFrames {
  /** A free frame's hfn (zeroed); throws {@link IllegalStateException} naming the capacity when none is left. */
  long allocate();

  /** Returns {@code hfn}; freeing a frame that is not allocated throws. */
  void free(long hfn);

  /** How many frames the hypervisor has ({@code system.hypervisor-memory}). */
  long capacity();

  long inUse();
}
