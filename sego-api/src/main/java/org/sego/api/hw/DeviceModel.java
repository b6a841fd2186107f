package org.sego.api.hw;

import org.sego.api.Stable;

/**
 * The timing of a block device, nothing else: bytes and durability belong to the volume. The
 * hypervisor's device resource queues requests: a request starts when one of {@link #queueDepth()}
 * slots is free, waits for the shared transfer channel, transfers, then pays its access latency;
 * so it completes at {@code max(now, busyUntil) + service} and at queue depth 1 never beats {@code
 * size / latency}.
 */
@Stable(since = "0.1")
public interface DeviceModel {
  /** The plug-in name of the model ({@code nvme}). */
  String model();

  int queueDepth();

  /**
   * Access latency of a request that starts at {@code startNanos} (seek and rotation for a disk,
   * flash access for an SSD). May update the model's state, such as the head position.
   */
  long accessNanos(boolean write, long offsetBytes, long lengthBytes, long startNanos);

  /** Time the request holds the device's shared transfer channel. */
  long transferNanos(long lengthBytes);

  /** Time a cache flush (or FUA) takes once the queue has drained. */
  long flushNanos();
}
