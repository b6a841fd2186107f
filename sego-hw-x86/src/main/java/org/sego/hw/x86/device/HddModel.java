package org.sego.hw.x86.device;

import org.sego.api.hw.DeviceModel;
import org.sego.api.units.Bandwidth;

/**
 * A rotating disk: seek time grows with the square root of the distance the head travels, scaled
 * so a random seek averages the given figure; rotational delay follows from the simulated time and
 * the target sector's angle; a request that continues the previous one streams without either.
 */
final class HddModel implements DeviceModel {
  /** E[sqrt(|x - y|)] for x, y uniform on [0, 1]: the mean of the seek curve's shape term. */
  private static final double MEAN_SQRT_DISTANCE = 8.0 / 15.0;
  private static final int SECTORS_PER_TRACK = 1000;

  private final Bandwidth media;
  private final long trackSeekNanos;
  private final long fullSeekSpanNanos;
  private final long rotationNanos;
  private final long capacityBytes;
  private final int queueDepth;
  private final long flushNanos;
  private long headOffset;
  private long lastEnd = -1;

  HddModel(Bandwidth media, long avgSeekNanos, long trackSeekNanos, long rpm, long capacityBytes, int queueDepth,
      long flushNanos) {
    this.media = media;
    this.trackSeekNanos = trackSeekNanos;
    this.fullSeekSpanNanos = Math.max(0, Math.round((avgSeekNanos - trackSeekNanos) / MEAN_SQRT_DISTANCE));
    this.rotationNanos = 60_000_000_000L / rpm;
    this.capacityBytes = capacityBytes;
    this.queueDepth = queueDepth;
    this.flushNanos = flushNanos;
  }

  @Override
  public String model() {
    return "hdd";
  }

  @Override
  public int queueDepth() {
    return queueDepth;
  }

  @Override
  public long accessNanos(boolean write, long offsetBytes, long lengthBytes, long startNanos) {
    long target = Math.floorMod(offsetBytes, capacityBytes);
    long access;
    if (offsetBytes == lastEnd) {
      access = 0;
    } else {
      long seek = seekNanos(Math.abs(target - headOffset));
      long arrive = startNanos + seek;
      long sector = (target >>> 9) % SECTORS_PER_TRACK;
      long targetPhase = sector * rotationNanos / SECTORS_PER_TRACK;
      long rotate = Math.floorMod(targetPhase - arrive, rotationNanos);
      access = seek + rotate;
    }
    headOffset = target;
    lastEnd = offsetBytes + lengthBytes;
    return access;
  }

  long seekNanos(long distanceBytes) {
    if (distanceBytes == 0) {
      return 0;
    }
    double fraction = Math.min(1.0, (double) distanceBytes / capacityBytes);
    return trackSeekNanos + Math.round(fullSeekSpanNanos * Math.sqrt(fraction));
  }

  @Override
  public long transferNanos(long lengthBytes) {
    return media.nanosFor(lengthBytes);
  }

  @Override
  public long flushNanos() {
    return flushNanos;
  }
}
