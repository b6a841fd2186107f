package org.sego.protection.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.storage.MetadataStore;
import org.sego.support.LongLongMap;
import org.sego.support.LongObjectMap;

/**
 * The hypervisor's trusted view of the secure files: the namespace (name to OID; an unbound name's
 * OID never returns), each file's length as the HAP set it, each page's version and the block it
 * was last written to, and which inode of the guest's file system holds which OID (learned from the
 * first write-back of a page the hypervisor bound itself). With a metadata store every change is a
 * record there, made durable by {@link #sync}; {@link #recover} rebuilds the view from the store
 * after a power failure.
 *
 * <p>Record keys: {@code 2<<58 | oid} the name, {@code 3<<58 | oid} the length, {@code 4<<58 | oid
 * << 30 | page} a page's version and block, {@code 5<<58} the next OID, {@code 6<<58} the
 * file-system device's name, {@code 1<<58 | block} a stale block: one that held a secure file's page
 * (a deleted file's, or a page's older copy) and that the OS has not overwritten durably since, so
 * after a power failure it is refused to the OS again; {@code oid} (kind 0) a name the HAP committed
 * (the kernel made its directory entry durable), so the guest's file system holds it after any crash.
 */
final class SecureFileTable {
  private static final long NAME = 2L << 58;
  private static final long LENGTH = 3L << 58;
  private static final long PAGE = 4L << 58;
  private static final long NEXT_OID = 5L << 58;
  private static final long DEVICE = 6L << 58;
  private static final long STALE = 1L << 58;
  static final int PAGE_BITS = 30;
  static final long MAX_OID = (1L << 28) - 1;

  private final HypervisorServices hv;
  private final MetadataStore store;
  private final int metadataCategory;
  private final long recordNanos;
  private final TreeMap<String, Long> oids = new TreeMap<>();
  private final LongObjectMap<String> names = new LongObjectMap<>();
  private final LongLongMap lengths = new LongLongMap(-1);
  /** {@link #pageKey} to the page's version. */
  private final LongLongMap versions = new LongLongMap(0);
  /** {@link #pageKey} to the block it was last written to. */
  private final LongLongMap blocks = new LongLongMap(-1);
  private final LongLongMap inodeOid = new LongLongMap(0);
  private final LongLongMap oidInode = new LongLongMap(-1);
  /** Files unbound from their names but not dropped yet (a HAP holds them open). */
  private final java.util.Set<Long> unnamed = new java.util.HashSet<>();
  /** Stale blocks of the file device (durable), and those the OS wrote since its last flush (their records go at the next). */
  private final LongLongMap stale = new LongLongMap(0);
  /**
   * Names (OIDs) bound or renamed since the HAP's last commit; and those the guest's file system may
   * have lost in a crash (bound or renamed after the last commit before it): the namespace checks
   * leave the latter out until the HAP binds them again (the kernel opened them) or commits.
   */
  private final LongLongMap uncommitted = new LongLongMap(0);
  /** Name changes (binds, renames) so far: {@link #uncommitted} maps each OID to the count at its last change. */
  private long nameChanges;
  private final LongLongMap uncertain = new LongLongMap(0);
  private final LongLongMap reused = new LongLongMap(0);
  private long nextOid = 1;
  private String device;

  SecureFileTable(HypervisorServices hv, MetadataStore store) {
    this.hv = hv;
    this.store = store;
    this.metadataCategory = hv.category("sego.metadata");
    this.recordNanos = hv.costs().duration(CostProfile.HV_METADATA_RECORD).nanos();
  }

  static long pageKey(long oid, long page) {
    return oid << PAGE_BITS | page;
  }

  private void record(long key, byte[] value) {
    hv.charge(metadataCategory, recordNanos);
    if (store != null) {
      if (value == null) {
        store.remove(key);
      } else {
        store.put(key, value);
      }
    }
  }

  private static byte[] longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  /** The OID bound to {@code name}, binding a new one if it has none. */
  long bind(String name) {
    Long oid = oids.get(name);
    if (oid != null) {
      if (uncertain.remove(oid) != 0) {
        uncommitted.put(oid, ++nameChanges); // the kernel has it in this guest's life
      }
      return oid;
    }
    if (nextOid > MAX_OID) {
      throw new IllegalStateException("secure-file OIDs exhausted (" + MAX_OID + ")");
    }
    long o = nextOid++;
    oids.put(name, o);
    names.put(o, name);
    lengths.put(o, 0);
    uncommitted.put(o, ++nameChanges);
    record(NAME | o, name.getBytes(StandardCharsets.UTF_8));
    record(LENGTH | o, longs(0));
    record(NEXT_OID, longs(nextOid));
    return o;
  }

  /** The OID of {@code name}, or 0. */
  long oid(String name) {
    Long o = oids.get(name);
    return o == null ? 0 : o;
  }

  /** The OID of {@code name} if the guest's file system must hold it (not lost in a crash the HAP did not commit before), or 0. */
  long certainOid(String name) {
    long o = oid(name);
    return o != 0 && uncertain.containsKey(o) ? 0 : o;
  }

  /** Names bound directly in directory {@code dir} ({@code "/"} for the root) that the guest's file system must hold. */
  long countIn(String dir) {
    String prefix = dir.endsWith("/") ? dir : dir + "/";
    long n = 0;
    for (Map.Entry<String, Long> e : oids.tailMap(prefix).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      n += e.getKey().indexOf('/', prefix.length()) < 0 && !uncertain.containsKey(e.getValue()) ? 1 : 0;
    }
    return n;
  }

  /** Name changes so far: the ticket a commit takes before it syncs the kernel's directory. */
  long nameChanges() {
    return nameChanges;
  }

  /**
   * A HAP committed (the kernel's directory is durable): every name changed up to {@code upTo} is
   * certain (later ones wait for their own commit); returns when that is durable.
   */
  long commitNames(long upTo) {
    java.util.List<Long> done = new java.util.ArrayList<>();
    uncommitted.forEach((o, at) -> {
      if (at <= upTo) {
        done.add(o);
      }
    });
    for (long o : done) {
      uncommitted.remove(o);
      record(o, longs(1));
      uncertain.remove(o);
    }
    return sync();
  }

  /** Whether {@code oid} is a live file: bound to a name, or unbound but not yet dropped (held open by its HAP). */
  boolean known(long oid) {
    return names.containsKey(oid) || unnamed.contains(oid);
  }

  /**
   * Removes {@code name} from the namespace; its OID never returns, but keeps its length and page
   * versions until {@link #dropFile}. Returns the OID, or 0 if the name was not bound.
   */
  /** Whether {@code oid} is a file whose name went while it lived on (held open). */
  boolean unnamed(long oid) {
    return unnamed.contains(oid);
  }

  long unbindName(String name) {
    Long o = oids.remove(name);
    if (o == null) {
      return 0;
    }
    names.remove(o);
    unnamed.add(o);
    record(NAME | o, null);
    uncommitted.remove(o);
    uncertain.remove(o);
    return o;
  }

  /**
   * Forgets file {@code o} for good: its record, length and page versions, so none of its blocks is
   * ever accepted again; {@code block} is told each block its pages were last written to.
   */
  void dropFile(long o, java.util.function.LongConsumer block) {
    unnamed.remove(o);
    record(o, null);
    lengths.remove(o);
    record(LENGTH | o, null);
    truncatePages(o, 0, block);
    long ino = oidInode.remove(o);
    if (ino >= 0) {
      inodeOid.remove(ino);
    }
  }

  /**
   * {@code oid} shrank to {@code keep} pages: the versions of the pages past them are gone for good
   * (their blocks never accepted back), and {@code block} is told each block they were last written to.
   */
  void truncatePages(long oid, long keep, java.util.function.LongConsumer block) {
    java.util.List<Long> pages = new java.util.ArrayList<>();
    versions.forEach((k, v) -> {
      if (k >>> PAGE_BITS == oid && (k & ((1L << PAGE_BITS) - 1)) >= keep) {
        pages.add(k);
      }
    });
    for (long k : pages) {
      long b = blocks.remove(k);
      if (b >= 0) {
        block.accept(b);
      }
      versions.remove(k);
      record(PAGE | k, null);
    }
  }

  /**
   * Renames {@code from} to {@code to}, replacing what {@code to} named (dropped, unless {@code
   * keepReplaced}: its HAP holds it open): false if {@code from} is not bound.
   */
  boolean rename(String from, String to, java.util.function.LongConsumer block, boolean keepReplaced) {
    Long o = oids.get(from);
    if (o == null) {
      return false;
    }
    if (to.equals(from)) {
      return true; // (nothing changes, the name's commit included)
    }
    if (oids.containsKey(to)) {
      long replaced = unbindName(to);
      if (!keepReplaced) {
        dropFile(replaced, block);
      }
    }
    oids.remove(from);
    uncommitted.put(o, ++nameChanges);
    record(o, null); // (a crash before the next commit may leave either name)
    oids.put(to, o);
    names.put(o, to);
    record(NAME | o, to.getBytes(StandardCharsets.UTF_8));
    return true;
  }

  long length(long oid) {
    return lengths.get(oid);
  }

  void setLength(long oid, long length) {
    lengths.put(oid, length);
    record(LENGTH | oid, longs(length));
  }

  /** The version page {@code page} of {@code oid} was last written at; 0 if it never was. */
  long version(long oid, long page) {
    return versions.get(pageKey(oid, page));
  }

  long block(long oid, long page) {
    return blocks.get(pageKey(oid, page));
  }

  /** The device the secure files live on (the guest's file-system device), or null before the first write. */
  String device() {
    return device;
  }

  /** Page {@code page} of {@code oid} is written to {@code block} of {@code dev} at {@code v}. */
  void written(String dev, long oid, long page, long block, long v) {
    useDevice(dev);
    long k = pageKey(oid, page);
    long old = blocks.get(k);
    if (old >= 0 && old != block) {
      markStale(old); // the page's older copy keeps its tag, now durably
    }
    if (stale.remove(block) != 0) {
      reused.remove(block);
      record(STALE | block, null);
    }
    versions.put(k, v);
    blocks.put(k, block);
    record(PAGE | k, longs(v, block));
  }

  /** Block {@code block} of the file device holds what a secure file left there: refused to the OS, across power failures too. */
  void markStale(long block) {
    if (!stale.containsKey(block)) {
      stale.put(block, 1);
      record(STALE | block, longs(1));
    }
  }

  /** The OS wrote block {@code block}: once a flush has made that durable, it is no longer stale ({@link #flushed}). */
  void reused(long block) {
    if (stale.containsKey(block)) {
      reused.put(block, 1);
    }
  }

  /**
   * The file device was flushed: the blocks the OS wrote before it are no longer stale. True when
   * records went (the caller makes that durable before the kernel hears of the flush).
   */
  boolean flushed(String dev) {
    if (reused.isEmpty() || !dev.equals(device)) {
      return false;
    }
    reused.forEach((block, one) -> {
      stale.remove(block);
      record(STALE | block, null);
    });
    reused.clear();
    return true;
  }

  /** Calls {@code visitor} for every stale block (after a power failure: to refuse them to the OS again). */
  void forEachStale(java.util.function.LongConsumer visitor) {
    stale.forEach((block, one) -> visitor.accept(block));
  }

  /** The secure files live on {@code dev} (recorded when it changes). */
  void useDevice(String dev) {
    if (!dev.equals(device)) {
      device = dev;
      record(DEVICE, dev.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The OID {@code inode} holds, or 0 when not learned yet. */
  long oidOfInode(long inode) {
    return inodeOid.get(inode);
  }

  void bindInode(long inode, long oid) {
    inodeOid.put(inode, oid);
    oidInode.put(oid, inode);
  }

  /** Makes every change so far durable; returns when the store's flush completes (now without a store). */
  long sync() {
    return store == null ? hv.clock().nowNanos() : store.sync(true);
  }

  /**
   * Rebuilds the view from the store (after a power failure); {@code tag} re-tags each page's block.
   * A file with no name record (unbound while its HAP held it open, whose last close never came) is
   * dropped, {@code deleted} told each of its blocks, as at a delete.
   */
  void recover(PageTag tag, java.util.function.LongConsumer deleted) {
    if (store == null) {
      return;
    }
    java.util.Set<Long> committed = new java.util.HashSet<>();
    store.forEach((key, r) -> {
      long kind = key & (7L << 58);
      long rest = key & ((1L << 58) - 1);
      ByteBuffer b = ByteBuffer.wrap(r);
      if (kind == NAME) {
        String name = new String(r, StandardCharsets.UTF_8);
        oids.put(name, rest);
        names.put(rest, name);
      } else if (kind == LENGTH) {
        lengths.put(rest, b.getLong());
      } else if (kind == PAGE) {
        long v = b.getLong();
        long block = b.getLong();
        versions.put(rest, v);
        blocks.put(rest, block);
      } else if (kind == STALE) {
        stale.put(rest, 1);
      } else if (key < (1L << 58)) {
        committed.add(key);
      } else if (key == NEXT_OID) {
        nextOid = b.getLong();
      } else if (key == DEVICE) {
        device = new String(r, StandardCharsets.UTF_8);
      }
    });
    names.forEach((o, name) -> {
      if (!committed.contains(o)) {
        uncertain.put(o, 1);
      }
    });
    java.util.Set<Long> unnamedFiles = new java.util.TreeSet<>(committed);
    lengths.forEach((o, length) -> unnamedFiles.add(o));
    versions.forEach((k, v) -> unnamedFiles.add(k >>> PAGE_BITS));
    unnamedFiles.removeIf(names::containsKey);
    for (long o : unnamedFiles) {
      dropFile(o, deleted);
    }
    store.forEach((key, r) -> {
      if ((key & (7L << 58)) == PAGE) {
        long rest = key & ((1L << 58) - 1);
        tag.tag(device, rest >>> PAGE_BITS, rest & ((1L << PAGE_BITS) - 1), blocks.get(rest), versions.get(rest));
      }
    });
  }

  @FunctionalInterface
  interface PageTag {
    void tag(String device, long oid, long page, long block, long version);
  }

  /** Secure-file pages with a version (written at least once). */
  long pages() {
    return versions.size();
  }

  /** Host memory for the view: about 48 bytes per page, 128 per file and 32 per stale block. */
  long ramBytes() {
    return 48L * versions.size() + 128L * names.size() + 32L * stale.size();
  }

  /** The inode bindings are the guest's: a new guest's file system numbers them anew. */
  void guestCrashed() {
    inodeOid.clear();
    oidInode.clear();
    uncommitted.forEach((o, one) -> uncertain.put(o, 1));
    uncommitted.clear();
  }
}
