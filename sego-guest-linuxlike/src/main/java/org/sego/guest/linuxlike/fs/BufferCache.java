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
  /** Cached blocks in least-recently-used order (access order). */
  private final Map<Long, Long> frames = new java.util.LinkedHashMap<>(64, 0.75f, true);
  /** The block each cached frame holds (frames mapped into user space are found by their frame). */
  private final Map<Long, Long> blockOfFrame = new HashMap<>();
  private java.util.function.LongPredicate mapped = f -> false;
  /** What each block's I/O is for, as the file system says (its metadata until it says more). */
  private java.util.function.LongFunction<org.sego.api.guest.IoPurpose> purposes = b -> org.sego.api.guest.IoPurpose.FS_METADATA;
  /**
   * Per dirty data block, the stamp of its last write (from {@link #stamps}, never reused): a
   * write-back cleans it only if it was not written again meanwhile.
   */
  private final Map<Long, Long> generation = new HashMap<>();
  private long stamps;
  private final TreeSet<Long> dirty = new TreeSet<>();
  /** Dirty blocks holding file data (the rest of {@link #dirty} is metadata). */
  private final TreeSet<Long> dirtyData = new TreeSet<>();
  /** Blocks a flusher write-back is in flight for: not started again until it completes (a slow device would queue them without end). */
  private final java.util.Set<Long> flushing = new java.util.HashSet<>();
  /**
   * Blocks a commit took clean from the dirty sets, with how many commits hold each: their content is
   * on its way to the journal and home, so reclaim may not drop them (a drop would re-read the stale
   * home copy), as jbd2 holds the buffers of a running commit.
   */
  private final Map<Long, Integer> committing = new HashMap<>();
  /** Blocks being read, with the processes waiting for them. */
  private final Map<Long, java.util.List<Integer>> loading = new HashMap<>();
  private final StatsSink.Counter hits;
  private final StatsSink.Counter misses;
  private final StatsSink.Counter writebacks;
  private final StatsSink.Counter flushes;
  private final StatsSink.Counter asyncWritebacks;
  private final StatsSink.Counter reclaimed;
  private final StatsSink.Counter throttled;

  private final SecurePages secure;

  public BufferCache(KernelPorts ports, String device, LongSupplier newFrame, LongConsumer freeFrame,
      org.sego.guest.linuxlike.mm.HapServices hap) {
    this.secure = new SecurePages(hap, device, ports.stats());
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
    asyncWritebacks = s.counter("system.guest.fs.flusher-writebacks", "blocks", "dirty data blocks the flusher started writing");
    throttled = s.counter("system.guest.fs.throttled-writebacks", "blocks", "dirty data blocks a writer wrote back itself for lack of memory");
    reclaimed = s.counter("system.guest.fs.cache-reclaimed", "blocks", "clean page-cache blocks dropped to free memory");
  }

  KernelPorts ports() {
    return ports;
  }

  String device() {
    return device;
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
        ports.hooks().pageCacheLookup(device, block, true);
        return f;
      }
      if (f != null) {
        loading.get(block).add(ports.cpu().currentPid());
        ports.cpu().block(CostCategory.IO_WAIT);
        continue;
      }
      misses.add(1);
      ports.hooks().pageCacheLookup(device, block, false);
      long frame = obtainFrame();
      frames.put(block, frame);
      blockOfFrame.put(frame, block);
      loading.put(block, new java.util.ArrayList<>());
      if (!secure.ask(block, frame, false)) {
        for (int waiter : loading.remove(block)) {
          ports.cpu().wake(waiter);
        }
        frames.remove(block);
        blockOfFrame.remove(frame);
        freeFrame.accept(frame);
        throw new IllegalStateException("linuxlike: the hypervisor refused to read in block " + block + " of " + device);
      }
      submitAndWait(done -> queue.submit(BlockRequest.read(device, block, 1, frame << X86.PAGE_SHIFT, purposes.apply(block)), (id, s, t) -> {
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
      f = obtainFrame();
      frames.put(block, f);
      blockOfFrame.put(f, block);
    }
    memory.zeroFrame(f);
    return f;
  }

  /**
   * A frame for the cache. When memory has none, the writer pays, as Linux's dirty throttling makes
   * it: dirty file data is written home and waited for, then clean blocks are dropped.
   */
  private long obtainFrame() {
    long f = newFrame.getAsLong();
    if (f < 0 && !dirtyData.isEmpty() && ports.cpu().currentPid() >= 0) {
      java.util.List<Long> data = new java.util.ArrayList<>(dirtyData);
      Map<Long, Long> before = new HashMap<>();
      for (long b : data) {
        before.put(b, generation.getOrDefault(b, 0L));
      }
      writeHome(data);
      for (long b : data) {
        // Clean only what reached home as it was: not refused, not written again while we waited.
        if (generation.getOrDefault(b, 0L).equals(before.get(b))) {
          dirtyData.remove(b);
          dirty.remove(b);
          generation.remove(b);
        }
      }
      throttled.add(data.size());
      shrink(64);
      f = newFrame.getAsLong();
    }
    if (f < 0) {
      throw new IllegalStateException("linuxlike: no memory for the page cache");
    }
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

  /** Writes file data into a block: dirty as data, which ordered journaling writes before the commit. */
  public void writeData(long block, int offset, byte[] src, int off, int len) {
    memory.write((frame(block) << X86.PAGE_SHIFT) + offset, src, off, len);
    dirty.add(block);
    dirtyData.add(block);
    generation.put(block, ++stamps);
  }

  /**
   * The flusher's work, from an event (it never waits): starts writing up to {@code max} dirty data
   * blocks home; each becomes clean when its write completes, unless written again meanwhile.
   * Returns how many writes it started.
   */
  public int writeBackData(int max) {
    java.util.List<Long> ready = new java.util.ArrayList<>();
    for (long block : dirtyData) {
      Long f = frames.get(block);
      if (f != null && !loading.containsKey(block) && !flushing.contains(block)) {
        ready.add(block);
      }
    }
    int started = 0;
    // The write-backs asked for together, as many as may still start; a refused one stays dirty and the next ones are asked.
    for (int next = 0; started < max && next < ready.size(); ) {
      int n = Math.min(max - started, ready.size() - next);
      long[] blocks = new long[n];
      long[] fs = new long[n];
      for (int i = 0; i < n; i++) {
        blocks[i] = ready.get(next + i);
        fs[i] = frames.get(blocks[i]);
      }
      next += n;
      boolean[] ok = secure.askWrites(blocks, fs, null);
      for (int i = 0; i < n; i++) {
        if (ok[i]) {
          submitWriteBack(blocks[i], fs[i]);
          started++;
        }
      }
    }
    asyncWritebacks.add(started);
    return started;
  }

  /** Starts the flusher's write of {@code block} from frame {@code f}; it becomes clean when that completes, unless written again meanwhile. */
  private void submitWriteBack(long block, long f) {
    long gen = generation.getOrDefault(block, 0L);
    ports.hooks().writeBack(device, block);
    flushing.add(block);
    queue.submit(BlockRequest.write(device, block, 1, f << X86.PAGE_SHIFT, purposes.apply(block)), (id, s, t) -> {
      flushing.remove(block);
      if (s == BlockQueue.OK && generation.getOrDefault(block, 0L) == gen && dirtyData.remove(block)) {
        dirty.remove(block);
        generation.remove(block);
      }
    });
    writebacks.add(1);
  }


  /** The secure-file pages among the cache's (asked of the hypervisor, journaled sealed). */
  public void setSecure(java.util.function.LongPredicate secureInode) {
    secure.setSecure(secureInode);
  }

  /** Marks a cache frame as holding a secure file's page (released before the kernel reuses it). */
  public void setHapMarker(LongConsumer markHap) {
    secure.setHapMarker(markHap);
  }

  /** The secure page {@code block} holds, journaled sealed (data=journal with block copy); else null. */
  public org.sego.api.guest.IoPurpose.FilePage sealedPage(long block) {
    return secure.sealed(block);
  }

  public boolean offersBlockCopy() {
    return secure.offersBlockCopy();
  }

  /**
   * The hypervisor copies block {@code from} to block {@code to} of this device, tags and all (a
   * sealed journal block going home); the cached copy of {@code to}, if any, is dropped as stale.
   */
  public void blockCopy(long from, long to) {
    secure.blockCopy(from, to);
    Long f = frames.get(to);
    if (f != null && !dirty.contains(to) && !mapped.test(f)) {
      frames.remove(to);
      blockOfFrame.remove(f);
      freeFrame.accept(f);
    }
  }

  /** The file system tells the cache what each block's I/O is for (its requests carry it). */
  public void setPurposes(java.util.function.LongFunction<org.sego.api.guest.IoPurpose> purposes) {
    this.purposes = purposes;
    secure.setPurposes(purposes);
  }

  /** Frames mapped into user space are never dropped: {@code mapped} tells which. */
  public void setMapped(java.util.function.LongPredicate mapped) {
    this.mapped = mapped;
  }

  /** A user mapping wrote the block in {@code frame}: it is dirty file data now. */
  public void dirtyFrame(long frame) {
    Long block = blockOfFrame.get(frame);
    if (block != null) {
      dirty.add(block);
      dirtyData.add(block);
      generation.put(block, ++stamps);
    }
  }

  /** Drops up to {@code max} clean blocks, least recently used first, for memory reclaim; returns how many. */
  public int shrink(int max) {
    int dropped = 0;
    for (var it = frames.entrySet().iterator(); it.hasNext() && dropped < max; ) {
      var e = it.next();
      if (droppable(e.getKey(), e.getValue())) {
        freeFrame.accept(e.getValue());
        blockOfFrame.remove(e.getValue());
        it.remove();
        dropped++;
      }
    }
    reclaimed.add(dropped);
    return dropped;
  }

  /**
   * Takes the dirty sets: returns {data, metadata} and marks them clean (later writes dirty them
   * again). The blocks stay in the cache until {@link #committed} releases them.
   */
  @SuppressWarnings("unchecked")
  public TreeSet<Long>[] takeDirty() {
    TreeSet<Long> data = new TreeSet<>(dirtyData);
    TreeSet<Long> meta = new TreeSet<>(dirty);
    meta.removeAll(data);
    for (long b : dirty) {
      committing.merge(b, 1, Integer::sum);
    }
    dirty.clear();
    dirtyData.clear();
    generation.clear();
    return new TreeSet[] {data, meta};
  }

  /** A commit that took {@code data} and {@code meta} failed: they are dirty again (their home copies are stale). */
  public void untake(java.util.Collection<Long> data, java.util.Collection<Long> meta) {
    dirty.addAll(meta);
    dirty.addAll(data);
    dirtyData.addAll(data);
    for (long b : data) {
      generation.put(b, ++stamps);
    }
  }

  /** Releases blocks {@link #takeDirty} took, once their content is home: reclaim may drop them again. */
  public void committed(java.util.Collection<Long> blocks) {
    for (long b : blocks) {
      committing.computeIfPresent(b, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Whether reclaim may drop {@code block}'s frame now. */
  private boolean droppable(long block, long frame) {
    return !dirty.contains(block) && !committing.containsKey(block) && !loading.containsKey(block) && !mapped.test(frame);
  }

  /** A copy of {@code block}'s cached frame, frozen for a commit; the caller frees it. */
  public long shadow(long block) {
    long s = newFrame.getAsLong();
    if (s < 0) {
      throw new IllegalStateException("linuxlike: no memory for a journal shadow copy");
    }
    memory.copyFrame(frame(block), s);
    return s;
  }

  public void freeShadow(long frame) {
    freeFrame.accept(frame);
  }

  /** Fills a scratch frame with {@code bytes} (a journal descriptor or commit record); the caller frees it. */
  public long scratch(byte[] bytes) {
    long s = newFrame.getAsLong();
    if (s < 0) {
      throw new IllegalStateException("linuxlike: no memory for a journal record");
    }
    memory.write(s << X86.PAGE_SHIFT, bytes, 0, bytes.length);
    return s;
  }

  /**
   * Writes frames to device blocks ({@code blocks[i]} from {@code frames[i]}), all submitted at once so
   * their bytes are taken at one instant, and waits for all of them; {@code fua} makes each durable.
   */
  public void writeFrames(long[] blocks, long[] frameNumbers, boolean fua) {
    writeFrames(blocks, frameNumbers, null, fua);
  }

  /**
   * As {@link #writeFrames(long[], long[], boolean)}; where {@code as[i]} is set, frame {@code i} is
   * that secure-file page, written to {@code blocks[i]} (the journal) after a file-page write-back
   * hypercall naming it.
   */
  public void writeFrames(long[] blocks, long[] frameNumbers, org.sego.api.guest.IoPurpose.FilePage[] as, boolean fua) {
    int pid = ports.cpu().currentPid();
    int[] outstanding = {0};
    int[] failed = {0};
    boolean[] ok = secure.askWrites(blocks, frameNumbers, as);
    for (int i = 0; i < blocks.length; i++) {
      if (as != null && as[i] != null) {
        if (!ok[i]) {
          failed[0]++; // a journal transaction cannot leave one of its blocks out
          continue;
        }
      } else if (!ok[i]) {
        // Refused: the block stays dirty (a later write-back or commit tries again).
        dirty.add(blocks[i]);
        dirtyData.add(blocks[i]);
        generation.put(blocks[i], ++stamps);
        continue;
      }
      outstanding[0]++;
      ports.hooks().writeBack(device, blocks[i]);
      queue.submit(new BlockRequest(device, true, blocks[i], 1, frameNumbers[i] << X86.PAGE_SHIFT, fua,
          purposes.apply(blocks[i])), (id, s, t) -> {
        if (s != BlockQueue.OK) {
          failed[0]++;
        }
        if (--outstanding[0] == 0) {
          ports.cpu().wake(pid);
        }
      });
      writebacks.add(1);
    }
    while (outstanding[0] > 0) {
      ports.cpu().block(CostCategory.IO_WAIT);
    }
    if (failed[0] > 0) {
      throw new IllegalStateException("linuxlike: " + failed[0] + " writes to " + device + " failed");
    }
  }

  /** Writes the cached frames of {@code blocks} to their own locations and waits. */
  public void writeHome(java.util.Collection<Long> blocks) {
    long[] b = new long[blocks.size()];
    long[] f = new long[b.length];
    int i = 0;
    for (long block : blocks) {
      b[i] = block;
      f[i++] = frame(block);
    }
    writeFrames(b, f, false);
  }

  /** Bytes of a frame (for a journal checksum). */
  public void readFrame(long frame, byte[] dst) {
    memory.read(frame << X86.PAGE_SHIFT, dst, 0, X86.PAGE_SIZE);
  }

  /** Updates a cached block in place without dirtying it (its new content was just written to the device). */
  public void putClean(long block, int offset, long value) {
    memory.store64((frame(block) << X86.PAGE_SHIFT) + offset, value);
  }

  /** Copies block {@code from}'s cached content into block {@code to}'s frame, clean (journal replay). */
  public void copyClean(long from, long to) {
    memory.copyFrame(frame(from), frame(to));
  }

  /** Flushes the device's write cache and waits. */
  public void flush() {
    flushes.add(1);
    submitAndWait(done -> queue.flush(device, done));
  }



  /** Drops every clean block from the cache (the kernel's {@code dropCaches()}); dirty ones stay. */
  public int dropClean() {
    int dropped = 0;
    for (var it = frames.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (droppable(e.getKey(), e.getValue())) {
        freeFrame.accept(e.getValue());
        blockOfFrame.remove(e.getValue());
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
