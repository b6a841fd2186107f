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

  void setPermissions(long gfn, int permissions);

  void unmap(long gfn);

  /** Translates a guest-physical address for {@code access}; see {@link Translation}. */
  long translate(long gpa, int access);
}
