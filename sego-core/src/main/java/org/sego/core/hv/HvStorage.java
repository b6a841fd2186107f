package org.sego.core.hv;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.hv.HypervisorStorage;
import org.sego.api.hw.DeviceModel;
import org.sego.api.sim.StatsSink;
import org.sego.api.storage.MetadataStore;
import org.sego.api.storage.TimedVolume;
import org.sego.api.storage.Volume;
import org.sego.api.storage.VolumeKind;
import org.sego.core.sim.Simulation;

/**
 * The hypervisor-only devices, for the strategy: each a {@link TimedVolume} whose requests reserve
 * the device's model like the guest's do (queueing, transfer, latency), counted under {@code
 * system.devices.<name>}, and the metadata store on one of them, opened once per boot of the
 * hypervisor.
 */
final class HvStorage implements HypervisorStorage {
  private final Map<String, Timed> volumes = new TreeMap<>();
  private final Map<String, MetadataStore> stores = new TreeMap<>();
  private final VolumeSet set;
  /** Hypervisor regions of guest devices: their busy time is their device's, reported there. */
  private final java.util.Set<String> regions = new java.util.TreeSet<>();

  private static final class Timed implements TimedVolume {
    final Volume volume;
    final DeviceResource resource;
    final Simulation sim;
    final StatsSink.Counter reads;
    final StatsSink.Counter writes;
    final StatsSink.Counter bytesRead;
    final StatsSink.Counter bytesWritten;
    final StatsSink.Counter flushes;

    Timed(Volume volume, DeviceResource resource, Simulation sim) {
      this.volume = volume;
      this.resource = resource;
      this.sim = sim;
      String p = "system.devices." + volume.name();
      StatsSink s = sim.stats();
      reads = s.counter(p + ".reads", "requests", "read requests completed");
      writes = s.counter(p + ".writes", "requests", "write requests completed");
      bytesRead = s.counter(p + ".bytes-read", "bytes", "bytes read from the device");
      bytesWritten = s.counter(p + ".bytes-written", "bytes", "bytes written to the device");
      flushes = s.counter(p + ".flushes", "requests", "cache flushes completed");
    }

    @Override
    public String name() {
      return volume.name();
    }

    @Override
    public int blockSize() {
      return volume.blockSize();
    }

    @Override
    public long blockCount() {
      return volume.blockCount();
    }

    @Override
    public int atomicWriteBytes() {
      return volume.atomicWriteBytes();
    }

    private void check(long block) {
      if (block < 0 || block >= volume.blockCount()) {
        throw new IllegalArgumentException("hypervisor device '" + name() + "' has blocks 0.." + (volume.blockCount() - 1)
            + "; block " + block + " is outside it");
      }
    }

    @Override
    public long read(long block, byte[] dst, int off) {
      check(block);
      volume.read(block, dst, off);
      reads.add(1);
      bytesRead.add(volume.blockSize());
      return resource.reserve(sim.nowNanos(), false, block * volume.blockSize(), volume.blockSize());
    }

    @Override
    public long write(long block, byte[] src, int off, boolean fua) {
      check(block);
      volume.write(block, src, off, fua);
      writes.add(1);
      bytesWritten.add(volume.blockSize());
      return resource.reserve(sim.nowNanos(), true, block * volume.blockSize(), volume.blockSize());
    }

    @Override
    public long flush() {
      volume.flush();
      flushes.add(1);
      return resource.reserveFlush(sim.nowNanos());
    }
  }

  /** A device's region ({@code hypervisor-region}) reserves {@code shared}'s resource of its device: one queue, one channel. */
  HvStorage(Simulation sim, Map<String, DeviceModel> models, VolumeSet set, java.util.function.Function<String, DeviceResource> shared) {
    this.set = set;
    for (Map.Entry<String, Volume> e : set.volumes().entrySet()) {
      if (e.getValue().kind() != VolumeKind.HYPERVISOR) {
        continue;
      }
      DeviceModel m = models.get(e.getKey());
      String device = set.deviceOfRegion(e.getKey());
      if (m != null) {
        volumes.put(e.getKey(), new Timed(e.getValue(), new DeviceResource(m), sim));
      } else if (device != null) {
        volumes.put(e.getKey(), new Timed(e.getValue(), shared.apply(device), sim));
        regions.add(e.getKey());
      }
    }
  }

  @Override
  public List<String> devices() {
    return List.copyOf(volumes.keySet());
  }

  @Override
  public TimedVolume volume(String device) {
    Timed t = volumes.get(device);
    if (t == null) {
      throw new IllegalArgumentException("no hypervisor device '" + device + "'; hypervisor devices: "
          + (volumes.isEmpty() ? "none (give a device volume.access = \"hypervisor\")" : String.join(", ", volumes.keySet())));
    }
    return t;
  }

  @Override
  public MetadataStore metadataStore(String device) {
    TimedVolume v = volume(device);
    return stores.computeIfAbsent(device, d -> set.openMetadataStore(v));
  }

  /** End-of-run stats: busy time per hypervisor device. */
  void finish(Simulation sim, long completionNanos) {
    for (Timed t : volumes.values()) {
      if (regions.contains(t.name())) {
        continue;
      }
      String p = "system.devices." + t.name();
      sim.stats().set(p + ".busy", "ns", "time with at least one request in service", t.resource.busyNanos());
      long permille = completionNanos == 0 ? 0
          : t.resource.busyNanos() * 1000 / Math.max(completionNanos, t.resource.lastCompletion());
      sim.stats().set(p + ".busy-fraction", "permille", "busy time over the run's completion time", permille);
    }
  }
}
