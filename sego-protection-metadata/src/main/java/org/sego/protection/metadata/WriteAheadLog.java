package org.sego.protection.metadata;

import java.nio.ByteBuffer;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.api.storage.MetadataStore;
import org.sego.support.LongLongMap;

/**
 * {@code write-protocol = write-ahead}: a block and its tag live on different devices, so a
 * secure-file page is first logged whole, with its version, in the metadata store, made durable,
 * and only then written in place. A power failure that tears or loses the in-place write leaves
 * the logged image: recovery takes its version as the page's, and the page's next read-in gets its
 * bytes from the log, never a mixed page. A record goes when a flush of the file device has made
 * its in-place write durable; a record recovered after a power failure stays until the page is
 * written again or its file deleted (its in-place block may be torn).
 *
 * <p>A page is logged at its write-back hypercall, and again when its write is issued if the HAP
 * wrote it in between (the device takes the bytes then); the log is made durable before the first
 * write issued after it grew, so a batch of write-backs costs one store flush.
 *
 * <p>Record keys: {@code 7<<58 | pageKey} the version and the image's first part, {@code 1<<61 |
 * 7<<58 | pageKey} the rest ({@link SecureFileTable#pageKey}); both in one store batch.
 */
final class WriteAheadLog {
  private static final long KIND = 7L << 58;
  private static final long SECOND = 1L << 61;
  private static final int HEADER = 16;

  private final HypervisorServices hv;
  private final MetadataStore store;
  private final int firstBytes;
  /**
   * Logged pages ({@link SecureFileTable#pageKey}) to their version; those whose in-place write was
   * issued in this boot and not flushed yet; and those logged before the last power failure.
   */
  private final LongLongMap logged = new LongLongMap(0);
  private final LongLongMap issued = new LongLongMap(0);
  private final LongLongMap lastBoot = new LongLongMap(0);
  private final byte[] page = new byte[X86.PAGE_SIZE];
  /** Whether pages were logged since the last {@link #sync}. */
  private boolean waiting;
  /** The device the logged pages go to (the secure files live on one). */
  private String device;
  private final int metadataCategory;
  private final long recordNanos;
  private final int copyCategory;
  private final long copyNanos;
  private final StatsSink.Counter pagesLogged;
  private final StatsSink.Counter pagesServed;

  /** @throws IllegalArgumentException when the store's records cannot hold a page in two parts */
  WriteAheadLog(HypervisorServices hv, MetadataStore store, String storeDevice) {
    this.hv = hv;
    this.store = store;
    this.firstBytes = store.maxRecordBytes() - HEADER;
    if (2L * store.maxRecordBytes() < X86.PAGE_SIZE + HEADER) {
      throw new IllegalArgumentException("write-protocol = \"write-ahead\" logs a 4 KiB page in two records, but the metadata store on '"
          + storeDevice + "' takes records of at most " + store.maxRecordBytes() + " bytes; give it blocks of at least 4 KiB, or"
          + " write-protocol = \"in-place\"");
    }
    this.metadataCategory = hv.category("sego.metadata");
    this.recordNanos = hv.costs().duration(CostProfile.HV_METADATA_RECORD).nanos();
    this.copyCategory = hv.category("sego.copy");
    this.copyNanos = hv.costs().bandwidth(CostProfile.HV_COPY).nanosFor(X86.PAGE_SIZE);
    String p = hv.path();
    pagesLogged = hv.stats().counter(p + ".write-ahead-pages", "pages", "secure-file pages logged whole in the metadata store before their in-place write");
    pagesServed = hv.stats().counter(p + ".write-ahead-reads", "pages", "secure-file pages read in from the log after a power failure (their in-place write may be torn)");
  }

  /**
   * Logs host frame {@code hfn} as page {@code pageKey} at {@code version}, on its way to {@code
   * block} (buffered: {@link #sync} makes it durable).
   */
  void log(String dev, long pageKey, long version, long block, long hfn) {
    device = dev;
    hv.memory().read(hfn << X86.PAGE_SHIFT, page, 0, X86.PAGE_SIZE);
    ByteBuffer first = ByteBuffer.allocate(HEADER + firstBytes);
    first.putLong(version).putLong(block).put(page, 0, firstBytes);
    store.put(KIND | pageKey, first.array());
    store.put(SECOND | KIND | pageKey, java.util.Arrays.copyOfRange(page, firstBytes, X86.PAGE_SIZE));
    hv.charge(copyCategory, copyNanos);
    hv.charge(metadataCategory, 2 * recordNanos);
    logged.put(pageKey, version);
    issued.remove(pageKey); // (this record's write is not issued yet: a flush before it must not drop it)
    lastBoot.remove(pageKey);
    waiting = true;
    pagesLogged.add(1);
  }

  /** Makes what was logged durable; returns when the store's flush completes (now, when nothing is waiting). */
  long sync() {
    if (!waiting) {
      return hv.clock().nowNanos();
    }
    waiting = false;
    return store.sync(true);
  }

  /** The in-place write of logged page {@code pageKey} has completed: its bytes are in the device, durable at its next flush. */
  void issued(long pageKey) {
    issued.put(pageKey, 1);
  }

  /** Guest device {@code dev} was flushed: every logged page whose write had completed is durable in place, and its record goes. */
  void flushed(String dev) {
    if (issued.isEmpty() || !dev.equals(device)) {
      return;
    }
    issued.forEach((k, one) -> drop(k));
    issued.clear();
  }

  private void drop(long pageKey) {
    if (logged.remove(pageKey) != 0) {
      store.remove(KIND | pageKey);
      store.remove(SECOND | KIND | pageKey);
      hv.charge(metadataCategory, 2 * recordNanos);
    }
  }

  /** Pages {@code from..} of secure file {@code oid} are gone: their logged images go with them (they never come back as the file's). */
  void forget(long oid, long from) {
    java.util.List<Long> gone = new java.util.ArrayList<>();
    logged.forEach((k, v) -> {
      if (k >>> SecureFileTable.PAGE_BITS == oid && (k & ((1L << SecureFileTable.PAGE_BITS) - 1)) >= from) {
        gone.add(k);
      }
    });
    for (long k : gone) {
      drop(k);
      issued.remove(k);
      lastBoot.remove(k);
    }
  }

  /**
   * The version page {@code pageKey} was logged at before a power failure (its in-place write may
   * be torn), or 0: a page logged in this boot reads back whole from its block.
   */
  long recovered(long pageKey) {
    return lastBoot.get(pageKey);
  }

  /** Copies the logged image of {@code pageKey} into host frame {@code hfn} (charged). */
  void serve(long pageKey, long hfn) {
    byte[] first = store.get(KIND | pageKey);
    byte[] second = store.get(SECOND | KIND | pageKey);
    System.arraycopy(first, HEADER, page, 0, firstBytes);
    System.arraycopy(second, 0, page, firstBytes, second.length);
    hv.memory().write(hfn << X86.PAGE_SHIFT, page, 0, X86.PAGE_SIZE);
    hv.charge(copyCategory, copyNanos);
    pagesServed.add(1);
  }

  /**
   * After a power failure: the pages whose image and version reached the log (both parts: one
   * batch), each to {@code adopt} with its version.
   */
  void recover(Adopt adopt) {
    java.util.List<long[]> found = new java.util.ArrayList<>();
    store.forEach((key, r) -> {
      if ((key & ~((1L << 58) - 1)) == KIND && store.get(SECOND | key) != null) {
        ByteBuffer b = ByteBuffer.wrap(r);
        found.add(new long[] {key & ((1L << 58) - 1), b.getLong(), b.getLong()});
      }
    });
    for (long[] f : found) { // (adopting writes records: not while the store is visited)
      logged.put(f[0], f[1]);
      lastBoot.put(f[0], f[1]);
      adopt.adopt(f[0] >>> SecureFileTable.PAGE_BITS, f[0] & ((1L << SecureFileTable.PAGE_BITS) - 1), f[2], f[1]);
    }
  }

  @FunctionalInterface
  interface Adopt {
    void adopt(long oid, long page, long block, long version);
  }
}
