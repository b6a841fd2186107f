package org.sego.api.hw;

import org.sego.api.Stable;

/**
 * One extended-page-table view: guest-physical to host-physical frames with R/W/X per frame. The
 * OS has one view, each HAP its own. Changing an entry invalidates exactly the TLB entries that
 * used it. A host object.
 */
@Stable(since = "0.1")
public interface EptView {
  int id();

  String name();

  /** The leaf entry for {@code gfn}: {@code hfn << 12 | permissions}, or 0 when not mapped. */
  long entry(long gfn);

  void map(long gfn, long hfn, int permissions);

  /**
   * The host frame {@code gfn} maps to even when its permissions are cleared (a frame withheld from
   * this view's user keeps its address, which DMA and the hypervisor use), or -1 when not mapped.
   */
  default long frame(long gfn) {
    long e = entry(gfn);
    return e == 0 ? -1 : (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
  }

  void setPermissions(long gfn, int permissions);

  void unmap(long gfn);

  /**
   * Whether {@code gfn} lies in a 2 MiB EPT entry (the 512 frames of its aligned region map
   * contiguously with one set of permissions). A 4 KiB change inside one splinters it.
   */
  default boolean isLarge(long gfn) {
    return false;
  }

  /**
   * Maps the 2 MiB region at {@code gfn} (512-aligned) to the 512 host frames from {@code hfn}
   * (512-aligned) with one entry.
   */
  default void mapLarge(long gfn, long hfn, int permissions) {
    for (int i = 0; i < 512; i++) {
      map(gfn + i, hfn + i, permissions);
    }
  }

  /** Translates a guest-physical address for {@code access}; see {@link Translation}. */
  long translate(long gpa, int access);
}
