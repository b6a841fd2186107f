package org.sego.core.hv;

import org.sego.api.hw.DeviceModel;

/**
 * One device as a queueing resource: a request takes the earliest free of {@code queueDepth}
 * slots, waits for the shared transfer channel, transfers, then pays its access latency. It
 * completes at {@code max(now, busyUntil) + service}; busy time is the union of service intervals.
 */
final class DeviceResource {
  private final DeviceModel model;
  private final long[] slotFree;
  private long channelFree;
  private long busyNanos;
  private long busyEnd;
  private long lastCompletion;

  DeviceResource(DeviceModel model) {
    this.model = model;
    this.slotFree = new long[Math.max(1, model.queueDepth())];
  }

  DeviceModel model() {
    return model;
  }

  /** Reserves the device for one request submitted at {@code now}; returns its completion time. */
  long reserve(long now, boolean write, long offsetBytes, long lengthBytes) {
    int slot = 0;
    for (int i = 1; i < slotFree.length; i++) {
      if (slotFree[i] < slotFree[slot]) {
        slot = i;
      }
    }
    long start = Math.max(now, slotFree[slot]);
    long transferStart = Math.max(start, channelFree);
    long transferEnd = transferStart + model.transferNanos(lengthBytes);
    channelFree = transferEnd;
    long done = transferEnd + model.accessNanos(write, offsetBytes, lengthBytes, transferStart);
    slotFree[slot] = done;
    account(start, done);
    return done;
  }

  /** A flush starts when every slot is free and takes the model's flush time. */
  long reserveFlush(long now) {
    long start = now;
    for (long f : slotFree) {
      start = Math.max(start, f);
    }
    long done = start + model.flushNanos();
    for (int i = 0; i < slotFree.length; i++) {
      slotFree[i] = done;
    }
    channelFree = Math.max(channelFree, done);
    account(start, done);
    return done;
  }

  private void account(long start, long done) {
    long from = Math.max(start, busyEnd);
    if (done > from) {
      busyNanos += done - from;
    }
    busyEnd = Math.max(busyEnd, done);
    lastCompletion = Math.max(lastCompletion, done);
  }

  long busyNanos() {
    return busyNanos;
  }

  long lastCompletion() {
    return lastCompletion;
  }
}
