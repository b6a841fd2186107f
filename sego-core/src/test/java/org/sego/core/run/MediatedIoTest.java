package org.sego.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.guest.IoPurpose;
import org.sego.api.hv.BlockIo;
import org.sego.api.storage.MetadataStore;
import org.sego.api.storage.TimedVolume;
import org.sego.core.SegoSystem;

/** The one mediated I/O path, and the hypervisor's own timed storage. */
class MediatedIoTest {
  @BeforeEach
  void clear() {
    ProbeStrategy.BUILT.clear();
  }

  private static SystemRun start() {
    return SegoSystem.builder(HypervisorServicesTest.registryWith(ProbeStrategy.provider())).memory("32 MiB")
        .strategy("probe").device("disk", "nvme", Map.of("size", "4 MiB"))
        .device("hvstore", "sata-ssd", Map.of("size", "2 MiB", "access", "hypervisor")).build().start();
  }

  private static ProbeStrategy probe() {
    return ProbeStrategy.BUILT.get(ProbeStrategy.BUILT.size() - 1);
  }

  /** Completion time of one read submitted by an event at 1 ms, with the strategy charging {@code charge}. */
  private static long completion(long charge, List<BlockIo> seen) {
    try (SystemRun run = start()) {
      probe().ioChargeNanos = charge;
      long[] done = {-1};
      run.ports().events().schedule(1_000_000, "system.guest.test", t -> run.ports().blocks().submit(
          BlockRequest.read("disk", 7, 2, 40L << 12, new IoPurpose.Swap(3, 0x99)), (id, s, at) -> done[0] = at));
      run.run();
      seen.addAll(probe().io);
      return done[0];
    }
  }

  @Test
  void aStrategysWorkOnARequestDelaysItsCompletionByExactlyItsCharge() {
    List<BlockIo> seen = new ArrayList<>();
    long plain = completion(0, seen);
    long charged = completion(12_345, seen);
    assertTrue(plain > 1_000_000);
    assertEquals(12_345, charged - plain, "the strategy's work comes before the device is reserved");
    BlockIo io = seen.get(0);
    assertEquals(new BlockIo("disk", false, 7, 2, 40, new IoPurpose.Swap(3, 0x99), false), io,
        "the strategy sees the device, the blocks, the frames and the kernel's purpose");
  }

  @Test
  void theVirtualDeviceRefusesWhatTheStrategyRefusesAndMovesNoByte() {
    try (SystemRun run = start()) {
      probe().refuseIo = io -> io.block() == 5;
      run.ports().memory().write(50L << 12, new byte[] {1, 2, 3}, 0, 3);
      int[] status = {1, 1};
      run.ports().blocks().submit(BlockRequest.write("disk", 5, 1, 50L << 12), (id, s, t) -> status[0] = s);
      run.ports().blocks().submit(BlockRequest.write("disk", 6, 1, 50L << 12), (id, s, t) -> status[1] = s);
      run.run();
      assertEquals(BlockQueue.EIO, status[0]);
      assertEquals(BlockQueue.OK, status[1]);
      assertEquals(1, run.stats().value("system.devices.disk.refused"));
      assertEquals(1, run.stats().value("system.devices.disk.writes"));
    }
  }

  @Test
  void theAdversarysRawBlockIoGoesThroughTheStrategy() {
    try (SystemRun run = start()) {
      probe().refuseIo = io -> io.adversary() && io.block() == 9;
      AdversaryLog log = new AdversaryLog();
      org.sego.api.attack.AdversaryOps ops = run.adversary(log, 1);
      ((LoggingAdversaryOps) ops).begin(); // no boot runs here: the test acts as the hooks would
      assertTrue(ops.writeBlock("disk", 8, new byte[] {7}));
      assertEquals(7, ops.readBlock("disk", 8)[0]);
      assertNull(ops.readBlock("disk", 9), "refused: the protected block is unreachable");
      assertTrue(!ops.writeBlock("disk", 9, new byte[] {7}));
      assertTrue(probe().io.stream().allMatch(io -> io.adversary() && io.purpose() == IoPurpose.RAW && io.firstGfn() == -1));
      assertEquals(4, probe().io.size());
      assertEquals(2, run.stats().value("system.devices.disk.refused"));
      assertEquals(List.of("written", "read", "refused by the virtual device", "refused by the virtual device"),
          log.entries().stream().map(AdversaryLog.Entry::result).toList());
    }
  }

  @Test
  void hypervisorVolumesAreTimedByTheirDeviceAndHoldTheMetadataStore() {
    try (SystemRun run = start()) {
      var storage = probe().hv.storage();
      assertEquals(List.of("hvstore"), storage.devices());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> storage.volume("disk"));
      assertTrue(e.getMessage().contains("'disk'") && e.getMessage().contains("hvstore"), e.getMessage());
      TimedVolume v = storage.volume("hvstore");
      byte[] b = new byte[4096];
      b[0] = 42;
      long first = v.write(100, b, 0, false);
      long second = v.write(101, b, 0, false);
      assertTrue(first > 0 && second > first, "requests queue at the device: " + first + ", " + second);
      byte[] back = new byte[4096];
      v.read(100, back, 0);
      assertArrayEquals(b, back);
      MetadataStore s = storage.metadataStore("hvstore");
      assertEquals(1, s.bootEpoch());
      s.put(1, new byte[] {9});
      assertTrue(s.sync(true) > second, "the store's writes and flush take device time after the earlier requests");
      assertTrue(s == storage.metadataStore("hvstore"), "one store per boot of the hypervisor");
      assertTrue(run.stats().value("system.devices.hvstore.writes") >= 4);
      assertTrue(run.stats().value("system.devices.hvstore.flushes") >= 1);
    }
  }

  @Test
  void aVirtualDeviceWithAHostBufferServesBufferedReadsFromHostMemoryAndCountsItsRam() {
    SystemRun run = SegoSystem.builder(HypervisorServicesTest.registryWith(ProbeStrategy.provider())).memory("32 MiB")
        .strategy("probe").device("disk", "sata-ssd", Map.of("size", "4 MiB", "host-buffer", "64 KiB")).build().start();
    try (run) {
      long[] t = new long[4];
      var q = run.ports().blocks();
      run.ports().events().schedule(1_000_000, "system.guest.test", at -> q.submit(BlockRequest.read("disk", 3, 1, 40L << 12),
          (id, s, done) -> {
            t[0] = done;
            q.submit(BlockRequest.read("disk", 3, 1, 41L << 12), (id2, s2, done2) -> {
              t[1] = done2;
              q.submit(BlockRequest.write("disk", 9, 1, 41L << 12), (id3, s3, done3) -> {
                t[2] = done3;
                q.flush("disk", (id4, s4, done4) -> t[3] = done4);
              });
            });
          }));
      run.run();
      long device = t[0] - 1_000_000;
      long hit = t[1] - t[0];
      assertTrue(device > 20 * hit, "a miss pays the device (" + device + " ns), a hit a host copy (" + hit + " ns)");
      assertEquals(1, run.stats().value("system.devices.disk.host-buffer-hits"));
      assertTrue(t[2] - t[1] == hit, "a write is acknowledged after the same host copy");
      assertTrue(t[3] - t[2] > hit, "the flush waits for the write's destage to the device");
      assertEquals(2 * 4096, run.stats().value("system.devices.disk.host-buffer-bytes"), "two blocks held");
      assertEquals(3, probe().io.size(), "the strategy saw every read and write, buffered or not");
    }
  }
}
