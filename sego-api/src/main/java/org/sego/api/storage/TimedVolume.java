package org.sego.api.storage;

import org.sego.api.Experimental;

/**
 * A hypervisor-only volume as the hypervisor uses it: each request's bytes move now (a write into
 * the volume's write cache, a flush makes earlier writes durable), and the request is timed by the
 * device's model, queueing with every other request to the device. Each call returns the simulated
 * time at which the device completes it; a caller that must wait for it charges the difference to
 * the vCPU it runs on. The guest can neither address nor reach one of these.
 */
@Experimental("hypervisor storage")
public interface TimedVolume {
  String name();

  int blockSize();

  long blockCount();

  /** Bytes written indivisibly (a torn write keeps whole units). */
  int atomicWriteBytes();

  /** Reads {@code block} into {@code dst}; returns the completion time. */
  long read(long block, byte[] dst, int off);

  /** Writes {@code block} from {@code src} ({@code fua}: durable on completion); returns the completion time. */
  long write(long block, byte[] src, int off, boolean fua);

  /** Makes every earlier write durable; returns the completion time. */
  long flush();
}
