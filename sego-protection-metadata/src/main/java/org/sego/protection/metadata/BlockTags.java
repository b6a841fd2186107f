package org.sego.protection.metadata;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.sim.StatsSink;
import org.sego.api.storage.MetadataStore;
import org.sego.support.RunLongMap;

/**
 * The tag of every protected block of the guest's devices, binding the block to what it holds: an
 * anonymous page {@code (HAP, vpn)} or a secure-file page {@code (OID, page)}, at a version. Held in
 * a bounded cache in hypervisor memory; with a metadata store, an evicted tag goes to the store and
 * a miss reads it back, charged as one read of the store's device ({@code sego.tag-miss}). Without
 * a store the cache is not bounded (the tags have nowhere else to live).
 *
 * <p>The virtual device drops a block's tag when anything but the hypervisor's own authorized
 * transfer writes it, so a tag always describes bytes the hypervisor let through.
 */
final class BlockTags {
  /** The kind bit of a tag's {@code who}: set for a secure-file page. */
  static final long FILE = 1L << 63;
  /** Store keys of tags: this prefix, the device index, the block. */
  static final long STORE_PREFIX = 1L << 62;

  private final HypervisorServices hv;
  private final Map<String, Integer> deviceIndex = new TreeMap<>();
  private String lastDevice;
  private long lastIndex;
  /** Each cached tag: the block key to whom and the version (one map, so a lookup touches one cache line). */
  private final RunLongMap cache = new RunLongMap(2);
  private final long[] ring;
  private int ringHead;
  private int ringSize;
  private final MetadataStore store;
  private final String storeDevice;
  private final int missCategory;
  private final int metadataCategory;
  private final long recordNanos;
  private final StatsSink.Counter misses;
  private final StatsSink.Counter evictions;
  private final StatsSink.Counter dropped;
  private long stored;
  /** The last tag looked up (a check asks for a block's tag, then its owner, then its version). */
  private long cachedKey = -1;
  private long cachedWho;
  private long cachedVersion;

  BlockTags(HypervisorServices hv, MetadataStore store, String storeDevice, int capacity) {
    this.hv = hv;
    this.store = store;
    this.storeDevice = storeDevice;
    this.ring = new long[store == null ? 0 : capacity];
    this.missCategory = hv.category("sego.tag-miss");
    this.metadataCategory = hv.category("sego.metadata");
    this.recordNanos = hv.costs().duration(CostProfile.HV_METADATA_RECORD).nanos();
    String p = hv.path();
    misses = hv.stats().counter(p + ".tag-cache-misses", "tags", "block tags read back from the metadata store");
    evictions = hv.stats().counter(p + ".tag-cache-evictions", "tags", "block tags evicted from the cache to the metadata store");
    dropped = hv.stats().counter(p + ".tags-dropped", "tags", "block tags dropped because something other than an authorized transfer wrote the block");
  }

  static long anonymous(int pid, long vpn) {
    return SegoFrames.pageKey(pid, vpn);
  }

  /**
   * What a block recovered as stale is tagged with (its owner is not known any more): OID 0, which
   * is never a file's, at the last page; no read-in accepts it, no block copy records it.
   */
  static final long STALE = FILE | (1L << 34) - 1;

  /** The last file page a tag can name (34 bits of page beside the OID). */
  static final long MAX_FILE_PAGE = (1L << 34) - 1;

  static long file(long oid, long page) {
    return FILE | oid << 34 | page;
  }

  /** The OID a secure-file tag's {@code whom} names. */
  static long oidOf(long whom) {
    return (whom & ~FILE) >>> 34;
  }

  /** The page a secure-file tag's {@code whom} names. */
  static long pageOf(long whom) {
    return whom & ((1L << 34) - 1);
  }

  /** The block number in a {@link #key}. */
  static long blockOf(long key) {
    return key & ((1L << 48) - 1);
  }

  /** The block's key: a small index per device name, in the order devices were first seen, and the block. */
  long key(String device, long block) {
    if (!device.equals(lastDevice)) { // (one device, request after request)
      Integer d = deviceIndex.get(device);
      if (d == null) {
        d = deviceIndex.size() + 1;
        deviceIndex.put(device, d);
      }
      lastDevice = device;
      lastIndex = d;
    }
    return (long) lastIndex << 48 | block;
  }

  /** Tags {@code key} as holding {@code whom} at {@code v}. */
  void put(long key, long whom, long v) {
    hv.charge(metadataCategory, recordNanos);
    boolean fresh = cache.put(key, whom, v);
    remember(key, whom, v);
    if (store != null && fresh) {
      admit(key);
    }
  }

  private void admit(long key) {
    if (ringSize == ring.length) {
      evictOldest();
    }
    ring[(ringHead + ringSize) % ring.length] = key;
    ringSize++;
  }

  private void evictOldest() {
    while (ringSize > 0) {
      long k = ring[ringHead];
      ringHead = (ringHead + 1) % ring.length;
      ringSize--;
      if (cache.containsKey(k)) {
        store.put(STORE_PREFIX | k, record(cache.first(k), cache.second(k)));
        cache.remove(k);
        forget(k);
        evictions.add(1);
        stored++;
        hv.charge(metadataCategory, recordNanos);
        return;
      }
    }
  }

  static byte[] record(long whom, long v) {
    return ByteBuffer.allocate(16).putLong(whom).putLong(v).array();
  }

  /** Brings {@code key}'s tag into the cache from the store, if it is there: true if the block has a tag. */
  private boolean load(long key) {
    if (key == cachedKey) {
      return true;
    }
    if (cache.containsKey(key)) {
      remember(key, cache.first(key), cache.second(key));
      return true;
    }
    if (store == null || stored == 0) {
      return false;
    }
    byte[] r = store.get(STORE_PREFIX | key);
    // A miss reads one block of the store's device, whether or not the tag is there.
    long done = hv.storage().volume(storeDevice).read(0, new byte[hv.storage().volume(storeDevice).blockSize()], 0);
    hv.charge(missCategory, Math.max(0, done - hv.clock().nowNanos()));
    misses.add(1);
    if (r == null) {
      return false;
    }
    store.remove(STORE_PREFIX | key);
    stored--;
    ByteBuffer b = ByteBuffer.wrap(r);
    put(key, b.getLong(), b.getLong());
    return true;
  }

  /** What {@code key} is tagged as holding (0 when untagged), for evidence. */
  long whom(long key) {
    return load(key) ? cachedWho : 0;
  }

  long version(long key) {
    return load(key) ? cachedVersion : 0;
  }

  private void remember(long key, long whom, long v) {
    cachedKey = key;
    cachedWho = whom;
    cachedVersion = v;
  }

  private void forget(long key) {
    if (key == cachedKey) {
      cachedKey = -1;
    }
  }

  boolean tagged(long key) {
    return load(key);
  }

  /** Drops {@code key}'s tag (the block was overwritten, or its page is gone); {@code foreign}: by a write the hypervisor did not authorize. */
  void drop(long key, boolean foreign) {
    forget(key);
    if (cache.remove(key)) {
      if (foreign) {
        dropped.add(1);
      }
    } else if (store != null && stored > 0 && store.get(STORE_PREFIX | key) != null) {
      store.remove(STORE_PREFIX | key);
      stored--;
      if (foreign) {
        dropped.add(1);
      }
    }
  }

  /**
   * After a power failure: the tags spilled to the store are dropped (swap does not survive it, and
   * their keys name the last boot's device indices; secure-file tags are rebuilt from the file view).
   */
  void forgetSpilled() {
    if (store == null) {
      return;
    }
    java.util.List<Long> spilled = new java.util.ArrayList<>();
    store.forEach((k, r) -> {
      if ((k & ~((1L << 62) - 1)) == STORE_PREFIX) {
        spilled.add(k);
      }
    });
    spilled.forEach(store::remove);
    stored = 0;
  }

  /** Host memory the cache holds: its chunks (16 bytes per block of a run of 64 with a tag) and the ring. */
  long ramBytes() {
    return cache.allocatedBytes() + 8L * ring.length;
  }

}
