package org.sego.core.hv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hw.DeviceModel;
import org.sego.api.hw.EptViews;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.Translation;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.api.storage.Volume;
import org.sego.api.storage.VolumeKind;
import org.sego.core.sim.Simulation;

/**
 * The guest's block queue: requests timed by each device's model, their bytes moved by DMA between
 * guest memory and the device's volume at completion, mediated by the strategy only when it asks
 * to be. Hypervisor-only volumes are not in it.
 */
final class BlockDevices implements BlockQueue {
  private static final class Device {
    final String name;
    final DeviceResource resource;
    final Volume volume;
    final StatsSink.Counter reads;
    final StatsSink.Counter writes;
    final StatsSink.Counter bytesRead;
    final StatsSink.Counter bytesWritten;
    final StatsSink.Counter flushes;
    final StatsSink.Counter refusedDma;

    Device(String name, DeviceModel model, Volume volume, StatsSink stats) {
      this.name = name;
      this.resource = new DeviceResource(model);
      this.volume = volume;
      String p = "system.devices." + name;
      reads = stats.counter(p + ".reads", "requests", "read requests completed");
      writes = stats.counter(p + ".writes", "requests", "write requests completed");
      bytesRead = stats.counter(p + ".bytes-read", "bytes", "bytes read from the device");
      bytesWritten = stats.counter(p + ".bytes-written", "bytes", "bytes written to the device");
      flushes = stats.counter(p + ".flushes", "requests", "cache flushes completed");
      refusedDma = stats.counter(p + ".dma-refused", "requests", "requests whose DMA the strategy refused");
    }
  }

  private final Map<String, Device> devices = new TreeMap<>();
  private final Simulation sim;
  private final PhysicalMemory memory;
  private final EptViews views;
  private final ProtectionStrategy strategy;
  private long nextId;
  /** Charges the EPT changes the strategy made in {@code permitDma}. */
  private final Runnable afterStrategy;

  BlockDevices(Simulation sim, PhysicalMemory memory, EptViews views, ProtectionStrategy strategy,
      Map<String, DeviceModel> models, Map<String, Volume> volumes, Runnable afterStrategy) {
    this.afterStrategy = afterStrategy;
    this.sim = sim;
    this.memory = memory;
    this.views = views;
    this.strategy = strategy;
    for (Map.Entry<String, DeviceModel> e : models.entrySet()) {
      Volume v = volumes.get(e.getKey());
      if (v != null && v.kind() == VolumeKind.GUEST) {
        devices.put(e.getKey(), new Device(e.getKey(), e.getValue(), v, sim.stats()));
      }
    }
  }

  @Override
  public List<String> devices() {
    return List.copyOf(devices.keySet());
  }

  private Device device(String name) {
    Device d = devices.get(name);
    if (d == null) {
      throw new IllegalArgumentException("no guest device '" + name + "'; devices: " + devices.keySet());
    }
    return d;
  }

  @Override
  public int blockSize(String device) {
    return device(device).volume.blockSize();
  }

  @Override
  public long blockCount(String device) {
    return device(device).volume.blockCount();
  }

  @Override
  public long submit(BlockRequest r, Completion completion) {
    Device d = device(r.device());
    long id = nextId++;
    int bs = d.volume.blockSize();
    long now = sim.nowNanos();
    if (r.count() <= 0 || r.block() < 0 || r.block() + r.count() > d.volume.blockCount()) {
      sim.schedule(now, "system.devices." + d.name, t -> completion.done(id, EIO, t));
      return id;
    }
    long bytes = (long) r.count() * bs;
    long done = d.resource.reserve(now, r.write(), r.block() * bs, bytes);
    if (sim.trace().on) {
      sim.trace().record(now, sim.currentCpu(), "system.devices." + d.name, r.write() ? "write" : "read",
          Map.of("block", r.block(), "count", r.count(), "done", done));
    }
    // A write's DMA reads guest memory when the request is issued; a read's DMA writes it at completion.
    byte[] data = r.write() ? dmaFromMemory(d, r, bs) : null;
    afterStrategy.run();
    sim.schedule(done, "system.devices." + d.name, t -> complete(d, r, data, id, completion, t));
    return id;
  }

  private void complete(Device d, BlockRequest r, byte[] data, long id, Completion completion, long t) {
    int bs = d.volume.blockSize();
    int status = OK;
    if (r.write()) {
      if (data == null) {
        status = EIO;
      } else {
        for (int i = 0; i < r.count(); i++) {
          d.volume.write(r.block() + i, data, i * bs, r.fua());
        }
        d.writes.add(1);
        d.bytesWritten.add(data.length);
      }
    } else {
      byte[] buf = new byte[r.count() * bs];
      for (int i = 0; i < r.count(); i++) {
        d.volume.read(r.block() + i, buf, i * bs);
      }
      status = dmaToMemory(d, r, buf) ? OK : EIO;
      afterStrategy.run();
      d.reads.add(1);
      d.bytesRead.add(buf.length);
    }
    completion.done(id, status, t);
  }

  /** Host address of guest {@code gpa} for DMA, or -1 if the frame is not guest memory or refused. */
  private long dmaAddress(Device d, long gpa, boolean toMemory) {
    long gfn = gpa >>> X86.PAGE_SHIFT;
    if (!strategy.permitDma(d.name, toMemory, gfn)) {
      return -1;
    }
    // DMA goes to guest-physical memory as the OS view maps it, regardless of its permissions.
    long e = views.os().entry(gfn);
    long hpa = e == 0 ? Translation.pageFault(0) : (e & X86.PTE_ADDR) | (gpa & X86.PAGE_MASK);
    return Translation.isFault(hpa) ? -1 : hpa;
  }

  private byte[] dmaFromMemory(Device d, BlockRequest r, int bs) {
    byte[] buf = new byte[r.count() * bs];
    for (int off = 0; off < buf.length; off += X86.PAGE_SIZE) {
      long hpa = dmaAddress(d, r.bufferGpa() + off, false);
      if (hpa < 0) {
        d.refusedDma.add(1);
        return null;
      }
      memory.read(hpa, buf, off, Math.min(X86.PAGE_SIZE, buf.length - off));
    }
    return buf;
  }

  private boolean dmaToMemory(Device d, BlockRequest r, byte[] buf) {
    List<Long> targets = new ArrayList<>();
    for (int off = 0; off < buf.length; off += X86.PAGE_SIZE) {
      long hpa = dmaAddress(d, r.bufferGpa() + off, true);
      if (hpa < 0) {
        d.refusedDma.add(1);
        return false;
      }
      targets.add(hpa);
    }
    for (int i = 0; i < targets.size(); i++) {
      int off = i * X86.PAGE_SIZE;
      memory.write(targets.get(i), buf, off, Math.min(X86.PAGE_SIZE, buf.length - off));
    }
    return true;
  }

  @Override
  public long flush(String device, Completion completion) {
    Device d = device(device);
    long id = nextId++;
    long done = d.resource.reserveFlush(sim.nowNanos());
    sim.schedule(done, "system.devices." + d.name, t -> {
      d.volume.flush();
      d.flushes.add(1);
      completion.done(id, OK, t);
    });
    return id;
  }

  /** End-of-run stats: busy time and fraction per device. */
  void finish(long completionNanos) {
    for (Device d : devices.values()) {
      String p = "system.devices." + d.name;
      sim.stats().set(p + ".busy", "ns", "time with at least one request in service", d.resource.busyNanos());
      long permille = completionNanos == 0 ? 0 : d.resource.busyNanos() * 1000 / Math.max(completionNanos, d.resource.lastCompletion());
      sim.stats().set(p + ".busy-fraction", "permille", "busy time over the run's completion time", permille);
    }
  }
}
