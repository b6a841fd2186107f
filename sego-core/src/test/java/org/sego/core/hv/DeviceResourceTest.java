package org.sego.core.hv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sego.api.hw.DeviceModel;
import org.sego.api.units.Bandwidth;
import org.sego.support.SeededCases;

class DeviceResourceTest {
  record FixedModel(long latency, Bandwidth bandwidth, int queueDepth) implements DeviceModel {
    @Override
    public String model() {
      return "fixed";
    }

    @Override
    public long accessNanos(boolean write, long offsetBytes, long lengthBytes, long startNanos) {
      return latency;
    }

    @Override
    public long transferNanos(long lengthBytes) {
      return bandwidth.nanosFor(lengthBytes);
    }

    @Override
    public long flushNanos() {
      return 1000;
    }
  }

  static LongStream seeds() {
    return SeededCases.seeds(0xD15C_0001L, 200);
  }

  /** However requests arrive, depth 1 never beats size/latency and no depth beats the bandwidth. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void throughputNeverBeatsLatencyAtDepthOneNorTheBandwidthAtAnyDepth(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long latency = 1 + rnd.nextLong(200_000);
    Bandwidth bw = Bandwidth.ofBytesPerSecond(1_000_000 + rnd.nextLong(10_000_000_000L));
    int depth = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(64);
    int size = 512 << rnd.nextInt(8);
    DeviceResource d = new DeviceResource(new FixedModel(latency, bw, depth));
    int n = 1 + rnd.nextInt(300);
    long now = 0;
    long last = 0;
    for (int i = 0; i < n; i++) {
      now += rnd.nextInt(4) == 0 ? rnd.nextLong(50_000) : 0;
      long done = d.reserve(now, rnd.nextBoolean(), (long) i * size, size);
      assertTrue(done >= now + latency, "a request takes at least its latency");
      last = Math.max(last, done);
    }
    long bytes = (long) n * size;
    if (depth == 1) {
      assertTrue(last >= n * latency, "seed " + seed + ": depth 1 finished " + n + " requests in " + last + " ns");
    }
    assertTrue(last >= bw.nanosFor(bytes) - n, "seed " + seed + ": beat the bandwidth");
    assertTrue(last >= (long) Math.ceil(n / (double) depth) * latency, "seed " + seed + ": beat depth x latency");
  }

  @Test
  void aRequestCompletesAtBusyUntilPlusService() {
    DeviceResource d = new DeviceResource(new FixedModel(20_000, Bandwidth.parse("4096 MB/s"), 1));
    long first = d.reserve(0, false, 0, 4096);
    assertEquals(1000 + 20_000, first);
    long second = d.reserve(500, false, 4096, 4096);
    assertEquals(first + 1000 + 20_000, second, "queued behind the first at depth 1");
    assertEquals(second, d.busyNanos());
  }

  @Test
  void deepQueuesOverlapLatencyUpToTheChannel() {
    DeviceResource d = new DeviceResource(new FixedModel(20_000, Bandwidth.parse("3 GB/s"), 32));
    long last = 0;
    for (int i = 0; i < 3200; i++) {
      last = Math.max(last, d.reserve(0, false, i * 4096L, 4096));
    }
    double gbps = 3200 * 4096 / (last / 1e9) / 1e9;
    assertTrue(gbps > 2.5 && gbps <= 3.0, "throughput at depth 32: " + gbps + " GB/s");
  }
}
