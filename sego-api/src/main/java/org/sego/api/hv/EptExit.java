package org.sego.api.hv;

import org.sego.api.Experimental;
import org.sego.api.hw.EptView;

/**
 * An EPT violation with its context: who accessed ({@link Accessor}), on behalf of which process and
 * address space, at which guest-virtual address (-1 for a DMA or a kernel access by guest-physical
 * address), the guest frame, and the hardware qualification ({@link org.sego.api.hw.Translation}).
 */
@Experimental("grows with the strategies")
public record EptExit(Accessor accessor, int pid, long cr3, long gva, long gfn, int qualification, EptView view) {
  public enum Accessor {
    /** A process's own load, store or fetch. */
    USER,
    /** The guest kernel, through its view of memory. */
    KERNEL,
    /** A device, through the virtual block device's DMA. */
    DMA
  }

  public boolean write() {
    return (qualification & org.sego.api.hw.Translation.EPT_Q_WRITE) != 0;
  }
}
