package org.sego.api.wiring;

import org.sego.api.Experimental;

/** The machine's shape: host memory, guest memory (a prefix of it), and TLB geometry. */
@Experimental("composition and lifecycle")
public record MachineConfig(long hostMemoryBytes, long guestMemoryBytes, int tlbSets, int tlbWays) {
  public MachineConfig {
    if (guestMemoryBytes > hostMemoryBytes) {
      throw new IllegalArgumentException("guest memory exceeds host memory");
    }
    if (Integer.bitCount(tlbSets) != 1 || tlbWays < 1) {
      throw new IllegalArgumentException("TLB sets must be a power of two and ways at least 1");
    }
  }
}
