package org.sego.api.storage;

import org.sego.api.Stable;

/** Who may address a volume: the guest (through the block queue) or only the hypervisor. */
@Stable(since = "0.1")
public enum VolumeKind {
  GUEST,
  /** Hypervisor storage (DESIGN §9): never reachable from the guest's block queue. */
  HYPERVISOR
}
