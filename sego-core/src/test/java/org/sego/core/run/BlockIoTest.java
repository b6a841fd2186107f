package org.sego.core.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.guest.KernelPorts;
import org.sego.api.storage.VolumeException;
import org.sego.core.SegoSystem;

/** Block I/O through the kernel's ports: DMA, device timing, flush, and file-backed volumes. */
class BlockIoTest {
  @TempDir
  Path dir;

  @Test
  void aWrittenBlockReadsBackThroughDmaIntoAnotherFrame() {
    SegoSystem system = SegoSystem.builder().memory("16 MiB")
        .device("disk", "nvme", Map.of("size", "4 MiB")).build();
    try (SystemRun run = system.start()) {
      KernelPorts p = run.ports();
      byte[] data = new byte[8192];
      new SplittableRandom(4).nextBytes(data);
      p.memory().write(100L << 12, data, 0, data.length);
      List<Long> completions = new ArrayList<>();
      p.blocks().submit(BlockRequest.write("disk", 10, 2, 100L << 12), (id, status, t) -> {
        assertEquals(BlockQueue.OK, status);
        completions.add(t);
        p.blocks().submit(BlockRequest.read("disk", 10, 2, 200L << 12), (id2, s2, t2) -> completions.add(t2));
      });
      run.run();
      byte[] back = new byte[8192];
      p.memory().read(200L << 12, back, 0, back.length);
      assertArrayEquals(data, back);
      assertEquals(2, completions.size());
      assertTrue(completions.get(0) >= 20_000, "a write takes the device's latency");
      assertEquals(8192, run.stats().value("system.devices.disk.bytes-written"));
      assertTrue(run.stats().value("system.devices.disk.busy") > 0);
    }
  }

  @Test
  void aFileBackedDiskKeepsFlushedBlocksAcrossRuns() throws Exception {
    SegoSystem system = SegoSystem.builder().memory("16 MiB").baseDir(dir)
        .device("disk", "sata-ssd", Map.of("size", "1 MiB", "image", "disk.img")).build();
    byte[] data = new byte[4096];
    new SplittableRandom(5).nextBytes(data);
    try (SystemRun run = system.start()) {
      KernelPorts p = run.ports();
      p.memory().write(50L << 12, data, 0, data.length);
      p.blocks().submit(BlockRequest.write("disk", 3, 1, 50L << 12),
          (id, s, t) -> p.blocks().flush("disk", (id2, s2, t2) -> {}));
      run.run();
    }
    assertTrue(Files.size(dir.resolve("disk.img")) > 1_000_000);
    try (SystemRun run = system.start()) {
      KernelPorts p = run.ports();
      p.blocks().submit(BlockRequest.read("disk", 3, 1, 60L << 12), (id, s, t) -> {});
      run.run();
      byte[] back = new byte[4096];
      p.memory().read(60L << 12, back, 0, back.length);
      assertArrayEquals(data, back);
    }
  }

  @Test
  void aForeignImageIsRefusedNamingTheDeviceAndFile() throws Exception {
    Files.writeString(dir.resolve("disk.img"), "not an image");
    SegoSystem system = SegoSystem.builder().memory("16 MiB").baseDir(dir)
        .device("disk", "nvme", Map.of("size", "1 MiB", "image", "disk.img")).build();
    VolumeException e = assertThrows(VolumeException.class, system::start);
    assertTrue(e.getMessage().contains("device 'disk'") && e.getMessage().contains("disk.img"), e.getMessage());
    assertEquals("not an image", Files.readString(dir.resolve("disk.img")));
  }

  @Test
  void aHypervisorOnlyVolumeIsNotOnTheGuestsBlockQueue() {
    SegoSystem system = SegoSystem.builder().memory("16 MiB")
        .device("disk", "nvme", Map.of("size", "1 MiB"))
        .device("meta", "nvme", Map.of("size", "1 MiB", "access", "hypervisor")).build();
    try (SystemRun run = system.start()) {
      assertEquals(List.of("disk"), run.ports().blocks().devices());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> run.ports().blocks().submit(BlockRequest.read("meta", 0, 1, 0), (a, b, c) -> {}));
      assertTrue(e.getMessage().contains("no guest device 'meta'"));
    }
  }
}
