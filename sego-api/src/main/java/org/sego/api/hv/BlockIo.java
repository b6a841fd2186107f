package org.sego.api.hv;

import org.sego.api.Experimental;
import org.sego.api.guest.IoPurpose;

/**
 * A block request as the virtual device shows it to the strategy before the device is reserved:
 * {@code count} blocks from {@code block} of guest device {@code device}, to ({@code !write}) or
 * from guest frames {@code firstGfn ..} (-1 for the adversary's raw I/O, which moves no guest
 * frame), with the purpose the kernel claimed. {@code adversary} marks the attack's own raw reads
 * and writes through {@code AdversaryOps}, which take this same path.
 */
@Experimental("the mediated I/O path")
public record BlockIo(String device, boolean write, long block, int count, long firstGfn, IoPurpose purpose,
    boolean adversary) {
  /** What the strategy lets the device do with a request. */
  public enum Answer {
    /** The device serves it. */
    PROCEED,
    /** The virtual device refuses it: the request completes with {@code EIO} and moves no byte, counted. */
    REFUSE
  }
}
