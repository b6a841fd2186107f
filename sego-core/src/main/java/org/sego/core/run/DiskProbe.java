package org.sego.core.run;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.sego.api.Experimental;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.hw.X86;
import org.sego.core.SegoSystem;
import org.sego.support.RandomStreams;

/**
 * Drives one device of a system through the guest's block queue with no kernel at all: a fixed
 * number of reads or writes kept at a given queue depth, sequential or at seeded random blocks.
 * Answers "what does this device model give at this depth?" and writes a run folder.
 */
@Experimental("results")
public final class DiskProbe {
  private DiskProbe() {}

  /** One probe's outcome; times are simulated. */
  public record Result(String device, int queueDepth, int requests, long bytes, long completionNanos,
      long totalLatencyNanos) {
    public double megabytesPerSecond() {
      return completionNanos == 0 ? 0 : bytes / (completionNanos / 1e9) / 1e6;
    }

    public double iops() {
      return completionNanos == 0 ? 0 : requests / (completionNanos / 1e9);
    }

    public double meanLatencyMicros() {
      return totalLatencyNanos / (double) requests / 1e3;
    }
  }

  /**
   * Runs {@code requests} requests of {@code blocksPerRequest} blocks each on {@code device},
   * {@code depth} in flight; writes {@code config.json} and {@code stats.json} into {@code outDir}
   * when it is not null.
   */
  public static Result run(SegoSystem system, String device, int depth, int requests, int blocksPerRequest,
      boolean write, boolean random, Path outDir) {
    if (depth < 1 || requests < 1 || blocksPerRequest < 1) {
      throw new IllegalArgumentException("depth, requests and blocks per request must be at least 1");
    }
    try (SystemRun run = outDir == null ? system.start() : system.start(outDir)) {
      BlockQueue q = run.ports().blocks();
      if (!q.devices().contains(device)) {
        throw new IllegalArgumentException("no guest device '" + device + "'; devices: " + String.join(", ", q.devices()));
      }
      long blocks = q.blockCount(device);
      int bytesPerRequest = blocksPerRequest * q.blockSize(device);
      long framesPerBuffer = (bytesPerRequest + X86.PAGE_SIZE - 1) / X86.PAGE_SIZE;
      SplittableRandom rnd = RandomStreams.derive(system.spec().seed(), "probe." + device);
      long[] issued = {0};
      long[] latency = {0};
      BlockQueue.Completion[] done = new BlockQueue.Completion[1];
      Runnable[] submitNext = new Runnable[1];
      submitNext[0] = () -> {
        long i = issued[0]++;
        long slots = blocks / blocksPerRequest;
        long block = (random ? rnd.nextLong(slots) : i % slots) * blocksPerRequest;
        long buffer = (16 + (i % depth) * framesPerBuffer) << X86.PAGE_SHIFT;
        long start = run.simulation().nowNanos();
        BlockRequest r = new BlockRequest(device, write, block, blocksPerRequest, buffer, false);
        q.submit(r, (id, status, t) -> {
          latency[0] += t - start;
          done[0].done(id, status, t);
        });
      };
      done[0] = (id, status, t) -> {
        if (status != BlockQueue.OK) {
          throw new IllegalStateException("probe request on " + device + " failed with status " + status);
        }
        if (issued[0] < requests) {
          submitNext[0].run();
        }
      };
      for (int i = 0; i < depth && issued[0] < requests; i++) {
        submitNext[0].run();
      }
      run.run();
      if (outDir != null) {
        run.writeOutputs(outDir);
      }
      return new Result(device, depth, requests, (long) requests * bytesPerRequest, run.simulation().completionNanos(),
          latency[0]);
    }
  }
}
