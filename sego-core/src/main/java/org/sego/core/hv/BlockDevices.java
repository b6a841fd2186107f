package org.sego.core.hv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.guest.IoPurpose;
import org.sego.api.hv.BlockIo;
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
 * The guest's block queue, the one mediated I/O path: each request is shown to the strategy with
 * its purpose before the device is reserved (its work charged first, so it queues with the device),
 * then timed by the device's model, its bytes moved by DMA between guest memory and the device's
 * volume (a write's at submission, a read's at completion). The adversary's raw reads and writes
 * take the same path. Hypervisor-only volumes are not in it ({@link HvStorage}).
 */
final class BlockDevices implements BlockQueue {
  /** The frame filler of one device's reads: the block to read is set before each use. */
  private static final class BlockFiller implements org.sego.api.hw.PhysicalMemory.FrameFiller {
    private final Volume volume;
    long block;

    BlockFiller(Volume volume) {
      this.volume = volume;
    }

    @Override
    public void fill(byte[] array, int offset) {
      volume.read(block, array, offset);
    }
  }

  private static final class Device {
    final String name;
    /** {@code system.devices.<name>}: the component path of the device's events. */
    final String path;
    final DeviceResource resource;
    final Volume volume;
    final StatsSink.Counter reads;
    final StatsSink.Counter writes;
    final StatsSink.Counter bytesRead;
    final StatsSink.Counter bytesWritten;
    final StatsSink.Counter flushes;
    final StatsSink.Counter refused;
    final StatsSink.Counter rawReads;
    final StatsSink.Counter rawWrites;
    final StatsSink.Counter copies;
    /** Blocks the virtual device buffers in host memory (0: none), least recently used first. */
    final long bufferBlocks;
    final java.util.LinkedHashMap<Long, Boolean> buffered = new java.util.LinkedHashMap<>(16, 0.75f, true);
    final StatsSink.Counter bufferHits;
    long bufferPeak;
    /** DMA buffers of writes in flight, reused once their completion has written them to the volume. */
    final java.util.ArrayDeque<byte[]> freeBuffers = new java.util.ArrayDeque<>();
    /** Reads one block of the volume into a frame in place (completions run one at a time). */
    final BlockFiller filler;
    /** The read completions' buffer: completions run one at a time, so one serves them all. */
    byte[] readBuffer = new byte[0];

    /** A DMA buffer of {@code n} bytes: a reused one when it fits (the common, one-block case). */
    byte[] buffer(int n) {
      byte[] b = freeBuffers.pollFirst();
      return b != null && b.length == n ? b : new byte[n];
    }

    /**
     * Keeps {@code b} for the next write. Not capped: the pool never holds more buffers than were
     * in flight at once, which the heap held anyway, and a capped pool reallocated beyond its cap
     * whenever kswapd wrote out a burst.
     */
    void release(byte[] b) {
      freeBuffers.addFirst(b);
    }

    Device(String name, DeviceModel model, Volume volume, StatsSink stats, long bufferBytes) {
      this.bufferBlocks = bufferBytes / volume.blockSize();
      this.filler = new BlockFiller(volume);
      this.bufferHits = stats.counter("system.devices." + name + ".host-buffer-hits", "requests",
          "reads served from the virtual device's host buffer");
      this.name = name;
      this.path = "system.devices." + name;
      this.resource = new DeviceResource(model);
      this.volume = volume;
      String p = "system.devices." + name;
      reads = stats.counter(p + ".reads", "requests", "read requests completed");
      writes = stats.counter(p + ".writes", "requests", "write requests completed");
      bytesRead = stats.counter(p + ".bytes-read", "bytes", "bytes read from the device");
      bytesWritten = stats.counter(p + ".bytes-written", "bytes", "bytes written to the device");
      flushes = stats.counter(p + ".flushes", "requests", "cache flushes completed");
      refused = stats.counter(p + ".refused", "requests", "requests the virtual device refused for the strategy");
      rawReads = stats.counter(p + ".adversary-reads", "blocks", "raw block reads by the adversary");
      rawWrites = stats.counter(p + ".adversary-writes", "blocks", "raw block writes by the adversary");
      copies = stats.counter(p + ".hypervisor-copies", "blocks", "blocks the hypervisor copied on the device (block copy)");
    }
  }

  private final Map<String, Device> devices = new TreeMap<>();
  private final Simulation sim;
  private final PhysicalMemory memory;
  private final EptViews views;
  private final ProtectionStrategy strategy;
  private long nextId;
  /** Charges the EPT changes the strategy made in {@code onBlockIo}. */
  private final Runnable afterStrategy;

  /** Host memory copy time per 4 KiB, for the host buffer. */
  private final long copyPageNanos;

  BlockDevices(Simulation sim, PhysicalMemory memory, EptViews views, ProtectionStrategy strategy,
      Map<String, DeviceModel> models, Map<String, Volume> volumes, Runnable afterStrategy, Map<String, Long> hostBuffers,
      long copyPageNanos) {
    this.copyPageNanos = copyPageNanos;
    this.afterStrategy = afterStrategy;
    this.sim = sim;
    this.memory = memory;
    this.views = views;
    this.strategy = strategy;
    for (Map.Entry<String, DeviceModel> e : models.entrySet()) {
      Volume v = volumes.get(e.getKey());
      if (v != null && v.kind() == VolumeKind.GUEST) {
        devices.put(e.getKey(), new Device(e.getKey(), e.getValue(), v, sim.stats(), hostBuffers.getOrDefault(e.getKey(), 0L)));
      }
    }
  }

  /** Guest device {@code name}'s queue and channel (its hypervisor region, if any, shares them). */
  DeviceResource resource(String name) {
    return device(name).resource;
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
      sim.schedule(now, d.path, t -> completion.done(id, EIO, t));
      return id;
    }
    long firstGfn = r.bufferGpa() >>> X86.PAGE_SHIFT;
    BlockIo io = new BlockIo(d.name, r.write(), r.block(), r.count(), firstGfn, r.purpose(), false);
    BlockIo.Answer answer = strategy.onBlockIo(io);
    afterStrategy.run();
    // The strategy's work is done before the device starts: it moved this vCPU's (or event's) time.
    now = sim.nowNanos();
    if (answer != BlockIo.Answer.PROCEED) {
      d.refused.add(1);
      sim.schedule(now, d.path, t -> completion.done(id, EIO, t));
      return id;
    }
    long bytes = (long) r.count() * bs;
    long done = d.bufferBlocks > 0 ? buffered(d, r, now, bytes) : d.resource.reserve(now, r.write(), r.block() * bs, bytes);
    if (sim.trace().on) {
      sim.trace().record(now, sim.currentCpu(), d.path, r.write() ? "write" : "read",
          Map.of("block", r.block(), "count", r.count(), "done", done));
    }
    // A write's DMA reads guest memory when the request is issued; a read's DMA writes it at completion.
    byte[] data = r.write() ? dmaFromMemory(d, r, bs) : null;
    sim.schedule(done, d.path, new Completing(d, r, io, data, id, completion));
    return id;
  }

  /** A request's completion event (a class, not a lambda: it is made for every request). */
  private final class Completing implements org.sego.api.sim.Event {
    private final Device d;
    private final BlockRequest r;
    private final BlockIo io;
    private final byte[] data;
    private final long id;
    private final Completion completion;

    Completing(Device d, BlockRequest r, BlockIo io, byte[] data, long id, Completion completion) {
      this.d = d;
      this.r = r;
      this.io = io;
      this.data = data;
      this.id = id;
      this.completion = completion;
    }

    @Override
    public void fire(long t) {
      complete(d, r, io, data, id, completion, t);
    }
  }

  private void complete(Device d, BlockRequest r, BlockIo io, byte[] data, long id, Completion completion, long t) {
    int bs = d.volume.blockSize();
    int status = OK;
    if (r.write()) {
      if (data == null) {
        status = EIO;
      } else {
        d.writes.add(1);
        d.bytesWritten.add(data.length);
        if (r.count() == 1) {
          // The volume takes the DMA buffer itself and gives back an array of a write that left its cache.
          byte[] back = d.volume.writeOwned(r.block(), data, r.fua());
          if (back != null && back.length == data.length) {
            d.release(back);
          }
        } else {
          for (int i = 0; i < r.count(); i++) {
            d.volume.write(r.block() + i, data, i * bs, r.fua());
          }
          d.release(data); // the volume copied it
        }
      }
    } else {
      int n = r.count() * bs;
      long hpa = r.count() == 1 && bs == X86.PAGE_SIZE ? dmaAddress(d, r.bufferGpa(), true) : -1;
      if (hpa >= 0 && (hpa & X86.PAGE_MASK) == 0) {
        // One block into one frame: the volume reads straight into the frame's bytes.
        d.filler.block = r.block();
        memory.fillFrame(hpa >>> X86.PAGE_SHIFT, d.filler);
        d.reads.add(1);
        d.bytesRead.add(n);
        done(io, status, id, completion, t);
        return;
      }
      if (d.readBuffer.length < n) {
        d.readBuffer = new byte[n];
      }
      byte[] buf = d.readBuffer;
      for (int i = 0; i < r.count(); i++) {
        d.volume.read(r.block() + i, buf, i * bs);
      }
      status = dmaToMemory(d, r, buf, n) ? OK : EIO;
      d.reads.add(1);
      d.bytesRead.add(n);
    }
    done(io, status, id, completion, t);
  }

  /** The strategy hears of a completion before the kernel does (its EPT changes charged). */
  private void done(BlockIo io, int status, long id, Completion completion, long t) {
    strategy.blockIoDone(io, status == OK);
    afterStrategy.run();
    completion.done(id, status, t);
  }

  /**
   * The host buffer's timing: a read whose blocks are all buffered completes after a host copy and
   * leaves the device alone; a write is acknowledged after a host copy while the device destages it
   * (reserved now, so a flush waits for it); every block touched becomes buffered, the least
   * recently used leaving when it is full. Returns the completion time.
   */
  private long buffered(Device d, BlockRequest r, long now, long bytes) {
    int bs = d.volume.blockSize();
    long copy = (copyPageNanos * bytes + X86.PAGE_SIZE - 1) / X86.PAGE_SIZE;
    boolean hit = !r.write();
    for (int i = 0; i < r.count() && hit; i++) {
      hit = d.buffered.containsKey(r.block() + i);
    }
    long done;
    if (hit) {
      d.bufferHits.add(1);
      done = now + copy;
    } else {
      long device = d.resource.reserve(now, r.write(), r.block() * bs, bytes);
      // A FUA write is acknowledged only when durable, after the device.
      done = r.write() && !r.fua() ? now + copy : device;
    }
    for (int i = 0; i < r.count(); i++) {
      d.buffered.put(r.block() + i, Boolean.TRUE);
    }
    while (d.buffered.size() > d.bufferBlocks) {
      d.buffered.remove(d.buffered.keySet().iterator().next());
    }
    d.bufferPeak = Math.max(d.bufferPeak, (long) d.buffered.size() * bs);
    return done;
  }

  /** Host address of guest {@code gpa} for DMA, or -1 if the frame is not guest memory. */
  private long dmaAddress(Device d, long gpa, boolean toMemory) {
    long gfn = gpa >>> X86.PAGE_SHIFT;
    // DMA goes to guest-physical memory as the OS view maps it, regardless of its permissions.
    long hfn = views.os().frame(gfn);
    return hfn < 0 ? -1 : (hfn << X86.PAGE_SHIFT) | (gpa & X86.PAGE_MASK);
  }

  private byte[] dmaFromMemory(Device d, BlockRequest r, int bs) {
    byte[] buf = d.buffer(r.count() * bs);
    for (int off = 0; off < buf.length; off += X86.PAGE_SIZE) {
      long hpa = dmaAddress(d, r.bufferGpa() + off, false);
      if (hpa < 0) {
        d.release(buf);
        return null;
      }
      memory.read(hpa, buf, off, Math.min(X86.PAGE_SIZE, buf.length - off));
    }
    return buf;
  }

  /** DMA of the first {@code n} bytes of {@code buf} into the request's frames: all of them, or none if one is not guest memory. */
  private boolean dmaToMemory(Device d, BlockRequest r, byte[] buf, int n) {
    for (int off = 0; off < n; off += X86.PAGE_SIZE) {
      if (dmaAddress(d, r.bufferGpa() + off, true) < 0) {
        return false;
      }
    }
    for (int off = 0; off < n; off += X86.PAGE_SIZE) {
      memory.write(dmaAddress(d, r.bufferGpa() + off, true), buf, off, Math.min(X86.PAGE_SIZE, n - off));
    }
    return true;
  }

  /**
   * The adversary's raw read of one block, through the strategy like any request (purpose {@link
   * IoPurpose#RAW}, no guest frame); its bytes move now. Null when the virtual device refused it.
   */
  public byte[] adversaryRead(String device, long block) {
    Device d = device(device);
    checkBlock(d, block);
    BlockIo.Answer a = strategy.onBlockIo(new BlockIo(d.name, false, block, 1, -1, IoPurpose.RAW, true));
    afterStrategy.run();
    if (a != BlockIo.Answer.PROCEED) {
      d.refused.add(1);
      return null;
    }
    byte[] b = new byte[d.volume.blockSize()];
    d.volume.read(block, b, 0);
    d.rawReads.add(1);
    return b;
  }

  /** The adversary's raw write of one block, through the strategy; false when the virtual device refused it. */
  public boolean adversaryWrite(String device, long block, byte[] data) {
    Device d = device(device);
    checkBlock(d, block);
    BlockIo.Answer a = strategy.onBlockIo(new BlockIo(d.name, true, block, 1, -1, IoPurpose.RAW, true));
    afterStrategy.run();
    if (a != BlockIo.Answer.PROCEED) {
      d.refused.add(1);
      return false;
    }
    byte[] b = java.util.Arrays.copyOf(data, d.volume.blockSize());
    d.volume.write(block, b, 0, false);
    d.rawWrites.add(1);
    return true;
  }

  /**
   * The adversary's DMA between one block and guest frame {@code gfn}, through the strategy like any
   * request (purpose {@link IoPurpose#RAW}, the frame named): into the frame if {@code toFrame}, else
   * from it to the block. The bytes move now; false when refused or the frame is not guest memory.
   */
  public boolean adversaryDma(String device, long block, long gfn, boolean toFrame) {
    Device d = device(device);
    checkBlock(d, block);
    long hfn = views.os().frame(gfn);
    if (hfn < 0) {
      return false;
    }
    BlockIo.Answer a = strategy.onBlockIo(new BlockIo(d.name, !toFrame, block, 1, gfn, IoPurpose.RAW, true));
    afterStrategy.run();
    if (a != BlockIo.Answer.PROCEED) {
      d.refused.add(1);
      return false;
    }
    int bs = d.volume.blockSize();
    byte[] b = new byte[bs];
    int n = Math.min(bs, X86.PAGE_SIZE);
    if (toFrame) {
      d.volume.read(block, b, 0);
      memory.write(hfn << X86.PAGE_SHIFT, b, 0, n);
      d.rawReads.add(1);
    } else {
      memory.read(hfn << X86.PAGE_SHIFT, b, 0, n);
      d.volume.write(block, b, 0, false);
      d.rawWrites.add(1);
    }
    return true;
  }

  /**
   * The hypervisor's copy of {@code count} blocks from {@code src} to {@code dst} of a guest device
   * (the catalogue's block copy, after the strategy agreed): the bytes move now, the device is
   * reserved for the reads and the writes, so a later flush waits for them. False when out of range.
   */
  boolean hypervisorCopy(String device, long src, long dst, int count) {
    Device d = devices.get(device);
    if (d == null || count <= 0 || src < 0 || dst < 0 || src + count > d.volume.blockCount()
        || dst + count > d.volume.blockCount()) {
      return false;
    }
    int bs = d.volume.blockSize();
    byte[] buf = new byte[bs];
    boolean backwards = dst > src && dst < src + count; // overlapping ranges copy as memmove does
    for (int k = 0; k < count; k++) {
      int i = backwards ? count - 1 - k : k;
      d.volume.read(src + i, buf, 0);
      d.volume.write(dst + i, buf, 0, false);
    }
    long now = sim.nowNanos();
    d.resource.reserve(now, false, src * bs, (long) count * bs);
    d.resource.reserve(now, true, dst * bs, (long) count * bs);
    d.copies.add(count);
    return true;
  }

  private static void checkBlock(Device d, long block) {
    if (block < 0 || block >= d.volume.blockCount()) {
      throw new IllegalArgumentException("device '" + d.name + "' has blocks 0.." + (d.volume.blockCount() - 1)
          + "; block " + block + " is outside it");
    }
  }

  @Override
  public long flush(String device, Completion completion) {
    Device d = device(device);
    long id = nextId++;
    long done = d.resource.reserveFlush(sim.nowNanos());
    sim.schedule(done, d.path, t -> {
      d.volume.flush();
      d.flushes.add(1);
      strategy.deviceFlushed(device);
      afterStrategy.run();
      completion.done(id, OK, t);
    });
    return id;
  }

  /** End-of-run stats: busy time and fraction per device. */
  void finish(long completionNanos) {
    for (Device d : devices.values()) {
      String p = d.path;
      sim.stats().set(p + ".busy", "ns", "time with at least one request in service", d.resource.busyNanos());
      long permille = completionNanos == 0 ? 0 : d.resource.busyNanos() * 1000 / Math.max(completionNanos, d.resource.lastCompletion());
      sim.stats().set(p + ".busy-fraction", "permille", "busy time over the run's completion time", permille);
      if (d.bufferBlocks > 0) {
        sim.stats().set(p + ".host-buffer-bytes", "bytes", "host memory the virtual device's buffer held at its fullest",
            d.bufferPeak);
      }
    }
  }
}
