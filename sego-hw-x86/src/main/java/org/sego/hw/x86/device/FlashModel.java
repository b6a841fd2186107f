package org.sego.hw.x86.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.units.Bandwidth;
import org.sego.api.units.Duration;

/**
 * A flash or memory device: a fixed access latency per request, a shared transfer channel at the
 * device's bandwidth, and a queue depth. Used by {@code nvme}, {@code sata-ssd} and {@code ramdisk},
 * which differ only in their figures.
 */
final class FlashModel implements DeviceModel {
  private final String model;
  private final Bandwidth bandwidth;
  private final long latencyNanos;
  private final int queueDepth;
  private final long flushNanos;

  FlashModel(String model, Bandwidth bandwidth, Duration latency, long queueDepth, Duration flush) {
    this.model = model;
    this.bandwidth = bandwidth;
    this.latencyNanos = latency.nanos();
    this.queueDepth = (int) queueDepth;
    this.flushNanos = flush.nanos();
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public int queueDepth() {
    return queueDepth;
  }

  @Override
  public long accessNanos(boolean write, long offsetBytes, long lengthBytes, long startNanos) {
    return latencyNanos;
  }

  @Override
  public long transferNanos(long lengthBytes) {
    return bandwidth.nanosFor(lengthBytes);
  }

  @Override
  public long flushNanos() {
    return flushNanos;
  }
}
