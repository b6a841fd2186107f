package org.sego.protection.metadata;

import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hw.X86;
import org.sego.api.sim.StatsSink;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongObjectMap;
import org.sego.support.RunLongMap;

/**
 * Sego's S-pages: which guest frames hold a HAP's page (trusted {@link PageMetadata} per frame),
 * the reverse index from a HAP's page to its frame, the extra holders of a frame merged
 * copy-on-write, and the EPT side of it: a bound frame is withheld from the OS's view and mapped
 * only in its HAP's. Every release scrubs the frame before the OS gets it back.
 */
final class SegoFrames {
  static final int VPN_BITS = 36;

  final PageMetadata meta;
  private final HypervisorServices hv;
  private final HapViews viewOf;
  /** {@link #pageKey} to the frame holding that page. */
  /** Each resident anonymous page ({@link #pageKey}) to its frame + 1 (consecutive pages in consecutive memory). */
  private final RunLongMap resident = new RunLongMap(1);
  /** A frame merged copy-on-write to the page keys of all that map it (its owner's first). */
  private final LongObjectMap<long[]> holders = new LongObjectMap<>();
  private final int scrubCategory;
  private final long scrubNanos;
  private final int metadataCategory;
  private final long recordNanos;
  private final StatsSink.Counter bound;
  private final StatsSink.Counter scrubbed;
  int epoch;
  /** The counter of {@link #stampVersion}, for this boot. */
  private long versionCounter;
  /** S-pages bound now, and the most there were. */
  private long boundNow;
  private long boundPeak;

  SegoFrames(HypervisorServices hv, HapViews viewOf) {
    this.hv = hv;
    this.viewOf = viewOf;
    this.meta = new PageMetadata(hv.guestFrames());
    this.scrubCategory = hv.category("sego.scrub");
    this.scrubNanos = hv.costs().bandwidth(CostProfile.HV_SCRUB).nanosFor(X86.PAGE_SIZE);
    this.metadataCategory = hv.category("sego.metadata");
    this.recordNanos = hv.costs().duration(CostProfile.HV_METADATA_RECORD).nanos();
    String p = hv.path();
    bound = hv.stats().counter(p + ".frames-bound", "frames", "frames bound to a HAP's page or secure-file page (S-pages)");
    scrubbed = hv.stats().counter(p + ".frames-scrubbed", "frames", "S-pages scrubbed before the OS got them back");
  }

  /** The frame holding resident page {@code key}, or -1. */
  private long residentFrame(long key) {
    return resident.first(key) - 1;
  }

  static long pageKey(int pid, long vpn) {
    return (long) pid << VPN_BITS | vpn;
  }

  static int pidOf(long key) {
    return (int) (key >>> VPN_BITS);
  }

  static long vpnOf(long key) {
    return key & ((1L << VPN_BITS) - 1);
  }

  long host(long gfn) {
    return hv.views().os().frame(gfn);
  }

  boolean bound(long gfn) {
    return meta.state(gfn) != PageMetadata.FREE;
  }

  /** The frame holding page {@code vpn} of {@code pid}, or -1. */
  long frameOf(int pid, long vpn) {
    return residentFrame(pageKey(pid, vpn));
  }

  /** Whether {@code gfn} holds anonymous page {@code vpn} of {@code pid} (as its owner or a copy-on-write holder). */
  boolean holds(long gfn, int pid, long vpn) {
    int state = meta.state(gfn);
    if (state == PageMetadata.FREE || meta.filePage(gfn)) {
      return false;
    }
    if (state == PageMetadata.SHARED_COW) {
      long key = pageKey(pid, vpn);
      for (long k : holders.get(gfn)) {
        if (k == key) {
          return true;
        }
      }
      return false;
    }
    return meta.owner(gfn) == pid && meta.where(gfn) == vpn;
  }

  /** Whether {@code pid} maps {@code gfn} as one of its own anonymous pages (any page). */
  boolean heldBy(long gfn, int pid) {
    if (meta.state(gfn) == PageMetadata.SHARED_COW) {
      for (long k : holders.get(gfn)) {
        if (pidOf(k) == pid) {
          return true;
        }
      }
      return false;
    }
    return bound(gfn) && meta.owner(gfn) == pid;
  }

  /** Binds free frame {@code gfn} to page {@code vpn} of {@code pid}: withheld from the OS, mapped in the HAP's view. */
  long bindAnonymous(long gfn, int pid, long vpn) {
    long v = bindAnonymousUnmapped(gfn, pid, vpn);
    map(pid, gfn, X86.EPT_RWX);
    return v;
  }

  /** As {@link #bindAnonymous}, but mapped in no view yet (its bytes are still to arrive). */
  long bindAnonymousUnmapped(long gfn, int pid, long vpn) {
    long v = meta.bindAnonymous(gfn, pid, vpn, PageMetadata.READ | PageMetadata.WRITE | PageMetadata.EXECUTE, epoch);
    resident.put(pageKey(pid, vpn), gfn + 1);
    withhold(gfn);
    return v;
  }

  /**
   * A new version for the page bound to {@code gfn}, stamped on the frame: one counter for the boot,
   * so no two versions of a page (whatever frames it was in) are ever equal within a boot epoch.
   */
  long stampVersion(long gfn) {
    long v = (long) epoch << 48 | ++versionCounter;
    meta.setVersion(gfn, v);
    return v;
  }

  /** Binds free frame {@code gfn} to page {@code page} of secure file {@code oid}; HAPs map it as their intents allow. */
  long bindFile(long gfn, int pid, long oid, long page) {
    long v = meta.bindFile(gfn, pid, oid, page, PageMetadata.READ | PageMetadata.WRITE, epoch);
    withhold(gfn);
    return v;
  }

  private void withhold(long gfn) {
    hv.charge(metadataCategory, recordNanos);
    bound.add(1);
    boundPeak = Math.max(boundPeak, ++boundNow);
    hv.views().os().setPermissions(gfn, 0);
    unmapFromViews(gfn); // a HAP that mapped it as unprotected memory no longer does
  }

  /** Maps {@code gfn} in {@code pid}'s view with {@code permissions} (nothing if {@code pid} has no view). */
  void map(int pid, long gfn, int permissions) {
    int v = viewOf.view(pid);
    if (v >= 0) {
      hv.views().get(v).map(gfn, host(gfn), permissions);
    }
  }

  /** No HAP's view maps {@code gfn} any more (its next touch exits). */
  void unmapFromViews(long gfn) {
    for (int i = 0; i < viewOf.count(); i++) {
      hv.views().get(viewOf.viewAt(i)).unmap(gfn);
    }
  }

  /** {@code keep} now also holds page {@code vpn} of {@code pid}: merged copy-on-write (read-only to every holder). */
  void addHolder(long keep, int pid, long vpn) {
    long key = pageKey(pid, vpn);
    long[] h = holders.get(keep);
    if (h == null) {
      h = new long[] {pageKey(meta.owner(keep), meta.where(keep))};
      meta.setState(keep, PageMetadata.SHARED_COW);
    }
    long[] more = java.util.Arrays.copyOf(h, h.length + 1);
    more[h.length] = key;
    holders.put(keep, more);
    resident.put(key, keep + 1);
    for (long k : more) {
      map(pidOf(k), keep, X86.EPT_R | X86.EPT_X);
    }
    hv.charge(metadataCategory, recordNanos);
  }

  /** Page {@code vpn} of {@code pid} no longer maps shared frame {@code gfn} (it was split off); with one holder left it is private again. */
  void dropHolder(long gfn, int pid, long vpn) {
    long[] h = holders.get(gfn);
    if (h == null) {
      return;
    }
    long key = pageKey(pid, vpn);
    long[] left = java.util.Arrays.stream(h).filter(k -> k != key).toArray();
    if (residentFrame(key) == gfn) {
      resident.remove(key);
    }
    int v = viewOf.view(pid);
    if (v >= 0 && java.util.Arrays.stream(left).noneMatch(k -> pidOf(k) == pid)) {
      hv.views().get(v).unmap(gfn);
    }
    if (left.length == 1) {
      holders.remove(gfn);
      int owner = pidOf(left[0]);
      meta.bindAnonymous(gfn, owner, vpnOf(left[0]), PageMetadata.READ | PageMetadata.WRITE | PageMetadata.EXECUTE, epoch);
      map(owner, gfn, X86.EPT_RWX);
    } else {
      holders.put(gfn, left);
    }
    hv.charge(metadataCategory, recordNanos);
  }

  /**
   * A merged frame {@code gfn} loses the first page {@code pid} holds in it, or with {@code all}
   * every one; false, changing nothing, when the frame is not merged (one page or none holds it).
   */
  boolean dropHolderPid(long gfn, int pid, boolean all) {
    long[] pages = pagesOf(gfn);
    if (pages.length <= 1) {
      return false;
    }
    for (long k : pages) {
      if (pidOf(k) == pid) {
        dropHolder(gfn, pid, vpnOf(k));
        if (!all) {
          break;
        }
      }
    }
    return true;
  }

  /** The page keys that map {@code gfn} (one for a private frame, none for a file page or a free frame). */
  long[] pagesOf(long gfn) {
    if (meta.state(gfn) == PageMetadata.SHARED_COW) {
      return holders.get(gfn);
    }
    return !bound(gfn) || meta.filePage(gfn) ? new long[0] : new long[] {pageKey(meta.owner(gfn), meta.where(gfn))};
  }

  /** Scrubs bound frame {@code gfn}, drops its metadata and every view's mapping of it, and gives it back to the OS. */
  void release(long gfn) {
    if (!bound(gfn)) {
      return;
    }
    if (meta.state(gfn) == PageMetadata.SHARED_COW) {
      for (long k : holders.remove(gfn)) {
        if (residentFrame(k) == gfn) {
          resident.remove(k);
        }
      }
    } else if (!meta.filePage(gfn)) {
      long k = pageKey(meta.owner(gfn), meta.where(gfn));
      if (residentFrame(k) == gfn) {
        resident.remove(k);
      }
    }
    unmapFromViews(gfn);
    meta.release(gfn);
    boundNow--;
    hv.memory().zeroFrame(host(gfn));
    hv.charge(scrubCategory, scrubNanos);
    scrubbed.add(1);
    hv.views().os().setPermissions(gfn, X86.EPT_RWX);
  }

  /** Moves everything of {@code src} (bytes copied by the caller) to free frame {@code dst}: metadata, holders, views. */
  void move(long src, long dst) {
    long[] pages = pagesOf(src);
    if (meta.filePage(src)) {
      bindFile(dst, meta.owner(src), meta.oid(src), meta.where(src));
    } else if (pages.length > 0) {
      bindAnonymous(dst, pidOf(pages[0]), vpnOf(pages[0]));
      for (int i = 1; i < pages.length; i++) {
        addHolder(dst, pidOf(pages[i]), vpnOf(pages[i]));
      }
    }
    release(src);
    for (long k : pages) {
      resident.put(k, dst + 1);
    }
  }

  long boundPeak() {
    return boundPeak;
  }

  long boundNow() {
    return boundNow;
  }

  /** Every bound frame back to the OS (the guest is gone). */
  void releaseAll() {
    for (long gfn = 0; gfn < hv.guestFrames(); gfn++) {
      release(gfn);
    }
  }
}
