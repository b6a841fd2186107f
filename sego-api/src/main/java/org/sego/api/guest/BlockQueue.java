package org.sego.api.guest;

import java.util.List;
import org.sego.api.Experimental;

/**
 * The kernel's only way to the disks. Requests are timed by the device model, their bytes moved by
 * the hypervisor's (possibly mediated) DMA, and completed by an event.
 */
@Experimental("grows with the guest kernel")
public interface BlockQueue {
  int OK = 0;
  int EIO = -5;

  /** Completion callback, run as an event at the request's completion time. */
  @FunctionalInterface
  interface Completion {
    void done(long requestId, int status, long nowNanos);
  }

  /** Guest-visible devices by name, sorted. */
  List<String> devices();

  int blockSize(String device);

  long blockCount(String device);

  long submit(BlockRequest request, Completion completion);

  /** A cache flush of the device; completes after every earlier write is durable. */
  long flush(String device, Completion completion);
}
