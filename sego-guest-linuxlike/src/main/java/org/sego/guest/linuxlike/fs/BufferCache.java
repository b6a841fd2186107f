package org.sego.guest.linuxlike.fs;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.api.guest.KernelPorts;
import org.sego.api.guest.OsView;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.StatsSink;

/**
 * The page cache of one device: each cached block lives in a guest frame (never in a Java array
 * beyond one operation), read through the block queue on a miss, written back when dirty. Reads and
 * write-back wait for the device, so they run in process context.
 */
public final class BufferCache {
  private final KernelPorts ports;
  private final OsView memory;
  private final BlockQueue queue;
  private final String device;
  private final LongSupplier newFrame;
  private final LongConsumer freeFrame;
  private final Map<Long, Long> frames = new HashMap<>();
  private final TreeSet<Long> dirty = new TreeSet<>();
  /** Blocks being read, with the processes waiting for them. */
  private final Map<Long, java.util.List<Integer>> loading = new HashMap<>();
  private final StatsSink.Counter hits;
  private final StatsSink.Counter misses;
  private final StatsSink.Counter writebacks;
  private final StatsSink.Counter flushes;

  public BufferCache(KernelPorts ports, String device, LongSupplier newFrame, LongConsumer freeFrame) {
    this.ports = ports;
    this.memory = ports.memory();
    this.queue = ports.blocks();
    this.device = device;
    this.newFrame = newFrame;
    this.freeFrame = freeFrame;
    StatsSink s = ports.stats();
    hits = s.counter("system.guest.fs.cache-hits", "blocks", "block lookups served by the page cache");
    misses = s.counter("system.guest.fs.cache-misses", "blocks", "block lookups read from the device");
    writebacks = s.counter("system.guest.fs.writebacks", "blocks", "dirty blocks written back");
    flushes = s.counter("system.guest.fs.flushes", "requests", "device cache flushes issued");
  }

  public long blocks() {
    return queue.blockCount(device);
  }

  /**
   * The frame holding {@code block}, read from the device on a miss (waiting for it). A process
   * that finds the block still being read by another waits for that read.
   */
  public long frame(long block) {
    while (true) {
      Long f = frames.get(block);
      if (f != null && !loading.containsKey(block)) {
        hits.add(1);
        return f;
      }
      if (f != null) {
        loading.get(block).add(ports.cpu().currentPid());
        ports.cpu().block(CostCategory.IO_WAIT);
        continue;
      }
      misses.add(1);
      long frame = newFrame.getAsLong();
      if (frame < 0) {
        throw new IllegalStateException("linuxlike: no memory for the page cache");
      }
      frames.put(block, frame);
      loading.put(block, new java.util.ArrayList<>());
      submitAndWait(done -> queue.submit(BlockRequest.read(device, block, 1, frame << X86.PAGE_SHIFT), (id, s, t) -> {
        for (int waiter : loading.remove(block)) {
          ports.cpu().wake(waiter);
        }
        done.done(id, s, t);
      }));
      return frame;
    }
  }

  /** The frame for {@code block} without reading it: the caller overwrites all of it. */
  public long fresh(long block) {
    Long f = frames.get(block);
    if (f == null) {
      f = newFrame.getAsLong();
      if (f < 0) {
        throw new IllegalStateException("linuxlike: no memory for the page cache");
      }
      frames.put(block, f);
    }
    memory.zeroFrame(f);
    return f;
  }

  public void markDirty(long block) {
    dirty.add(block);
  }

  public long get64(long block, int offset) {
    return memory.load64((frame(block) << X86.PAGE_SHIFT) + offset);
  }

  public void put64(long block, int offset, long value) {
    memory.store64((frame(block) << X86.PAGE_SHIFT) + offset, value);
    dirty.add(block);
  }

  public int get32(long block, int offset) {
    long word = get64(block, offset & ~7);
    return (int) (word >>> ((offset & 4) * 8));
  }

  public void put32(long block, int offset, int value) {
    int aligned = offset & ~7;
    int shift = (offset & 4) * 8;
    long word = get64(block, aligned);
    word = (word & ~(0xFFFF_FFFFL << shift)) | ((value & 0xFFFF_FFFFL) << shift);
    put64(block, aligned, word);
  }

  public void read(long block, int offset, byte[] dst, int off, int len) {
    memory.read((frame(block) << X86.PAGE_SHIFT) + offset, dst, off, len);
  }

  public void write(long block, int offset, byte[] src, int off, int len) {
    memory.write((frame(block) << X86.PAGE_SHIFT) + offset, src, off, len);
    dirty.add(block);
  }

  public boolean isDirty(long block) {
    return dirty.contains(block);
  }

  public int dirtyCount() {
    return dirty.size();
  }

  /** Writes every dirty block back and waits for the device, then flushes its cache and waits. */
  public void sync() {
    int[] outstanding = {0};
    int pid = ports.cpu().currentPid();
    for (long block : dirty) {
      outstanding[0]++;
      queue.submit(BlockRequest.write(device, block, 1, frames.get(block) << X86.PAGE_SHIFT), (id, s, t) -> {
        if (--outstanding[0] == 0) {
          ports.cpu().wake(pid);
        }
      });
      writebacks.add(1);
    }
    dirty.clear();
    while (outstanding[0] > 0) {
      ports.cpu().block(CostCategory.IO_WAIT);
    }
    flushes.add(1);
    submitAndWait(done -> queue.flush(device, done));
  }

  /** Drops every clean block from the cache (the kernel's {@code dropCaches()}); dirty ones stay. */
  public int dropClean() {
    int dropped = 0;
    for (var it = frames.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!dirty.contains(e.getKey()) && !loading.containsKey(e.getKey())) {
        freeFrame.accept(e.getValue());
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  /** Submits one request and waits in the current process until it completes. */
  private void submitAndWait(java.util.function.Function<BlockQueue.Completion, Long> submit) {
    int pid = ports.cpu().currentPid();
    if (pid < 0) {
      throw new IllegalStateException("linuxlike: file-system I/O needs a process to wait in");
    }
    int[] status = {Integer.MIN_VALUE};
    submit.apply((id, s, t) -> {
      status[0] = s;
      ports.cpu().wake(pid);
    });
    while (status[0] == Integer.MIN_VALUE) {
      ports.cpu().block(CostCategory.IO_WAIT);
    }
    if (status[0] != BlockQueue.OK) {
      throw new IllegalStateException("linuxlike: I/O error " + status[0] + " on " + device);
    }
  }
}
