package org.sego.api.attack;

import org.sego.api.Experimental;
import org.sego.api.storage.PowerFailure;

/**
 * The powers of the stronger adversary with physical access (docs/design.md §6): it reads and rolls back
 * any volume at rest, the hypervisor's included, bypassing the virtual device, and chooses which
 * unflushed writes survive a power failure (torn at the atomic write size). Every call is logged.
 */
@Experimental("adversary operations")
public interface PhysicalAccess {
  /** The bytes of {@code block} of any volume as they are on the medium now, or null if out of range. */
  byte[] readAtRest(String device, long block);

  /** Overwrites {@code block} of any volume at rest (a roll-back or a forgery of the image); false if out of range. */
  boolean writeAtRest(String device, long block, byte[] data);

  /** Blocks of {@code device}'s volume. */
  long blocks(String device);

  /**
   * Cuts the power now: each unflushed write survives, is lost or is torn as {@code survivors}
   * chooses; the boot ends (as {@link AdversaryOps#crash} does) and the judge reboots.
   */
  void powerFail(PowerFailure survivors);
}
