package org.sego.protection.metadata;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sego.api.cost.CostProfile;
import org.sego.api.guest.KernelUserWrite;
import org.sego.api.hv.BlockIo;
import org.sego.api.hv.Check;
import org.sego.api.hv.Claim;
import org.sego.api.hv.EptExit;
import org.sego.api.hv.ExitAnswer;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hw.EptView;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.Caller;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercall;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;
import org.sego.api.storage.MetadataStore;
import org.sego.protection.metadata.page.PageMetadata;
import org.sego.support.LongLongMap;

/**
 * Sego: the hypervisor keeps trusted metadata for every protected page and block instead of
 * encrypting and hashing them. A HAP's pages are S-pages: bound to (HAP, page) or (OID, page) in
 * {@link PageMetadata}, mapped only in the HAP's EPT view, withheld from the OS. The kernel swaps,
 * copies, zeroes, shares, moves and writes back those pages by hypercall: the hypervisor moves the
 * bytes and records a tag per block (owner, page, version), and checks the tag when the page comes
 * back. The HAP's page tables are paraverified ({@link PageGuard}) against its intents and the
 * metadata. Secure files have OIDs, lengths and page versions kept by the hypervisor ({@link
 * SecureFileTable}), durable in the metadata store. No crypto is charged, ever.
 */
final class SegoStrategy implements ProtectionStrategy {
  static final String CHECK_VERSION = "version";
  static final String CHECK_BINDING = "binding";
  static final String CHECK_INTENT = "intent";
  static final String CHECK_SECURE_DELETE = "secure-delete";
  static final String CHECK_DEVICE_REFUSAL = "device-refusal";
  static final String CHECK_REGISTER_SCRUB = "register-scrub";

  private final HypervisorServices hv;
  private final SegoSettings settings;
  private final Capabilities capabilities;
  private final HapViews viewOf = new HapViews();
  private final SegoFrames frames;
  private final PageGuard guard;
  private BlockTags tags;
  private SecureFileTable files;
  private MetadataStore store;
  private String storeDevice;
  /** A swapped-out page ({@link SegoFrames#pageKey}) to its block's key and the version it was written at. */
  private final LongLongMap swappedBlock = new LongLongMap(-1);
  private final LongLongMap swappedVersion = new LongLongMap(0);
  /** A frame whose write the hypervisor authorized, to the block key. */
  private final LongLongMap authorizedOut = new LongLongMap(-1);
  /** A block key whose read into a frame the hypervisor authorized, to that frame. */
  private final LongLongMap authorizedIn = new LongLongMap(-1);
  /** Secure-file frames the HAP wrote since their last write-back, to their OID. */
  private final LongLongMap dirtyFile = new LongLongMap(0);
  /** The pid whose page tables {@code hap-register} is adopting now (its inherited mappings are a fork's), or -1. */
  private int adopting = -1;
  /** The most anonymous pages protected at once: S-pages resident plus pages swapped out. */
  private long protectedPeak;
  private final int copyCategory;
  private final int shareCategory;
  private final int scrubCategory;
  private final long scrubNanos;
  private final int storeCategory;
  private final long copyNanos;
  private final byte[] pageA = new byte[X86.PAGE_SIZE];
  private final byte[] pageB = new byte[X86.PAGE_SIZE];
  private final StatsSink.Counter osDenied;
  private final StatsSink.Counter dmaRefused;
  private final StatsSink.Counter adversaryRefused;
  private final StatsSink.Counter swapOuts;
  private final StatsSink.Counter swapIns;
  private final StatsSink.Counter copies;
  private final StatsSink.Counter zeroes;
  private final StatsSink.Counter releases;
  private final StatsSink.Counter shares;
  private final StatsSink.Counter moves;
  private final StatsSink.Counter fileWriteBacks;
  private final StatsSink.Counter fileReadIns;
  private final StatsSink.Counter blockCopies;
  private final StatsSink.Counter installs;
  private final StatsSink.Counter userWrites;
  private final StatsSink.Counter freshZeroed;
  private final StatsSink.Counter violations;

  @Inject
  SegoStrategy(HypervisorServices hv, SegoSettings settings) {
    this.hv = hv;
    this.settings = settings;
    this.capabilities = new Capabilities(Set.of(Capabilities.SWAP, Capabilities.COPY, Capabilities.ZERO,
        Capabilities.RELEASE, Capabilities.SHARE, Capabilities.COMPACT, Capabilities.SECURE_FILES,
        Capabilities.PAGE_TABLES, Capabilities.BLOCK_COPY), settings.libraryChecks());
    this.frames = new SegoFrames(hv, viewOf);
    this.guard = new PageGuard(hv, this::checkLeaf, this::leafGone);
    this.copyCategory = hv.category("sego.copy");
    this.shareCategory = hv.category("sego.share-scan");
    this.scrubCategory = hv.category("sego.scrub");
    this.scrubNanos = hv.costs().bandwidth(CostProfile.HV_SCRUB).nanosFor(X86.PAGE_SIZE);
    this.storeCategory = hv.category("sego.store");
    this.copyNanos = hv.costs().bandwidth(CostProfile.HV_COPY).nanosFor(X86.PAGE_SIZE);
    String p = hv.path();
    StatsSink s = hv.stats();
    osDenied = s.counter(p + ".os-touches-denied", "accesses", "kernel accesses to an S-page, denied");
    dmaRefused = s.counter(p + ".dma-refused", "requests", "kernel block requests moving an S-page or a protected block without a hypercall, refused");
    adversaryRefused = s.counter(p + ".adversary-refused", "requests", "the adversary's raw reads and writes of protected blocks or S-pages, refused");
    swapOuts = s.counter(p + ".swap-outs", "pages", "pages swapped out by hypercall (tagged)");
    swapIns = s.counter(p + ".swap-ins", "pages", "pages swapped in by hypercall (tag checked)");
    copies = s.counter(p + ".copies", "pages", "copy-on-write copies made by the hypervisor");
    zeroes = s.counter(p + ".zeroes", "pages", "frames zeroed for a HAP by the hypervisor");
    releases = s.counter(p + ".releases", "frames", "release hypercalls answered");
    shares = s.counter(p + ".shares", "pages", "protected pages merged copy-on-write after the hypervisor compared them");
    moves = s.counter(p + ".moves", "pages", "protected pages moved for compaction");
    fileWriteBacks = s.counter(p + ".file-write-backs", "pages", "secure-file pages written back (tagged with OID, page and version)");
    fileReadIns = s.counter(p + ".file-read-ins", "pages", "secure-file pages read in (tag checked)");
    blockCopies = s.counter(p + ".block-copies", "blocks", "journaled secure-file blocks copied home with their tags");
    installs = s.counter(p + ".ptes-installed", "entries", "HAP page-table entries checked and installed for the kernel");
    userWrites = s.counter(p + ".user-writes", "writes", "kernel writes into a HAP's memory done by the hypervisor");
    freshZeroed = s.counter(p + ".fresh-pages-zeroed", "pages", "OS frames mapped at a new protected page, zeroed by the hypervisor before the HAP used them");
    violations = s.counter(p + ".violations", "violations", "checks that failed (each a violation for the judge)");
  }

  @Override
  public String name() {
    return "sego";
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public void start() {
    open();
  }

  @Override
  public void recover() {
    // (start() opened the store for this boot: its recovery and epoch are done.)
    if (store != null) {
      // Swap does not survive a power failure, and tag-cache spills name this boot's device indices.
      List<Long> spilled = new ArrayList<>();
      store.forEach((k, r) -> {
        if ((k & BlockTags.STORE_PREFIX) != 0 && (k >>> 62) == 1) {
          spilled.add(k);
        }
      });
      spilled.forEach(store::remove);
    }
    files.recover((device, oid, page, block, v) -> tags.put(tags.key(device, block), BlockTags.file(oid, page), v));
  }

  private void open() {
    String device = settings.metadataDevice();
    List<String> devices = hv.storage().devices();
    if (device.isEmpty() && devices.size() == 1) {
      device = devices.get(0);
    }
    if (!device.isEmpty()) {
      store = hv.storage().metadataStore(device);
      storeDevice = device;
      frames.epoch = (int) Math.min(PageMetadata.MAX_EPOCH, store.bootEpoch());
      long wait = store.readyAt() - hv.clock().nowNanos();
      if (wait > 0) {
        hv.charge(storeCategory, wait);
      }
    }
    tags = new BlockTags(hv, store, storeDevice, settings.tagCacheEntries());
    files = new SecureFileTable(hv, store);
  }

  @Override
  public List<Claim> claims() {
    List<Claim> c = new ArrayList<>();
    String noPhysical = "against the guest OS only: not against physical access to RAM or disks (no encryption)";
    c.add(Claim.againstOs("confidentiality-ram", "S-pages are mapped only in their HAP's EPT view (" + CHECK_DEVICE_REFUSAL
        + " for swapped pages)", noPhysical));
    c.add(Claim.againstOs("confidentiality-rest", "the virtual device refuses the OS every read of a tagged block ("
        + CHECK_DEVICE_REFUSAL + ")", noPhysical));
    c.add(Claim.againstOs("integrity", "tags bind blocks to owner, page or (OID, offset) (" + CHECK_BINDING
        + "); page tables are paraverified (" + CHECK_INTENT + "); the library trusts the hypervisor's file length"));
    c.add(Claim.againstOs("freshness", "versions in tags (" + CHECK_VERSION + ")",
        "across power failures only with a metadata store (metadata-device, or the only hypervisor device): without one, within one boot"));
    c.add(Claim.againstOs("crash-consistency", "a HAP's fsync returns only after confirm-durable made its pages' tags, versions and length durable",
        "after a guest crash the hypervisor keeps its state; after a power failure it recovers it from the store",
        "tags are not written atomically with the data (no write-ahead buffer or out-of-place writes yet): a page written but not yet confirmed may come back newer under its older tag"));
    c.add(Claim.againstOs("sharing", "identical protected pages are merged and compacted by the hypervisor (sharing = "
        + settings.sharing() + ")"));
    return c;
  }

  @Override
  public List<Check> checks() {
    List<Check> c = new ArrayList<>(List.of(
        new Check(CHECK_VERSION, "check-version", "a swapped-in or read-in block carries the page's current version"),
        new Check(CHECK_BINDING, "check-binding", "a swapped-in or read-in block is tagged with that page of that owner, or that (OID, offset)"),
        new Check(CHECK_INTENT, "check-intent", "a HAP's page-table entries agree with its intents and the frames' metadata"),
        new Check(CHECK_SECURE_DELETE, "secure-delete", "a deleted secure file's blocks stay unreadable to the OS until overwritten, and never come back as the file's"),
        new Check(CHECK_DEVICE_REFUSAL, "device-refusal", "the OS cannot read a tagged block or write a live one"),
        new Check(CHECK_REGISTER_SCRUB, "register-scrub", "a HAP's registers are scrubbed on every kernel entry")));
    for (String l : Capabilities.LIBRARY_CHECKS) {
      c.add(new Check(l, SegoStrategyProvider.libraryParameter(l), "trusted library: refuses "
          + Capabilities.LIBRARY_CHECK_DESCRIPTIONS.get(l)));
    }
    return c;
  }

  @Override
  public KernelUserWrite.Handling userWriteHandling(KernelUserWrite path) {
    switch (path) {
      case FORK_COPY_ON_WRITE:
        return KernelUserWrite.Handling.HYPERCALL;
      case SIGNAL_FRAME:
      case FUTEX_WORD:
        return KernelUserWrite.Handling.DIRECT;
      default:
        return KernelUserWrite.Handling.BOUNCE;
    }
  }

  @Override
  public int onContextSwitch(int vcpu, int pid) {
    return Math.max(0, viewOf.view(pid));
  }

  @Override
  public boolean isProtected(int pid) {
    return settings.registerScrub() && viewOf.has(pid);
  }

  @Override
  public void resuming(int vcpu, int pid) {
    guard.resuming(pid);
  }

  private HypercallResult violation(int pid, String check, String evidence) {
    violations.add(1);
    String e = "check " + check + ": " + evidence;
    hv.violation(pid, e);
    return new HypercallResult.Violation(e);
  }

  // ---- paraverification ---------------------------------------------------------------------------

  /** Whether {@code pid} may map frame {@code gfn} at {@code gvaPage}: null, or the evidence. */
  private String checkLeaf(int pid, long gvaPage, long gfn, boolean writable) {
    if (gfn >= hv.guestFrames()) {
      return settings.checkIntent() ? "check " + CHECK_INTENT + ": pid " + pid + " maps 0x" + Long.toHexString(gvaPage)
          + " to gfn " + gfn + ", outside guest memory" : null;
    }
    String why = mappingProblem(pid, gvaPage, gfn, writable);
    if (why == null) {
      return null;
    }
    violations.add(1);
    return settings.checkIntent() ? "check " + CHECK_INTENT + ": pid " + pid + " page 0x" + Long.toHexString(gvaPage)
        + " -> gfn " + gfn + ": " + why : null;
  }

  private String mappingProblem(int pid, long gvaPage, long gfn, boolean writable) {
    long vpn = gvaPage >>> X86.PAGE_SHIFT;
    if (pid == adopting && !writable && frames.bound(gfn) && inherit(pid, gvaPage, gfn)) {
      return null;
    }
    MappingIntents.Intent intent = hv.intents().lookup(pid, gvaPage);
    PageMetadata m = frames.meta;
    if (intent == null) {
      // Unprotected memory: it must not alias an S-page.
      if (frames.bound(gfn)) {
        return m.filePage(gfn) ? "holds page " + m.where(gfn) + " of secure file " + m.oid(gfn) + ", mapped outside a declared range"
            : "holds page 0x" + Long.toHexString(m.where(gfn) << X86.PAGE_SHIFT) + " of HAP " + m.owner(gfn)
                + ", mapped outside protected memory";
      }
      return null;
    }
    if (intent.objectId() == 0) {
      if (frames.holds(gfn, pid, vpn)) {
        if (writable && m.state(gfn) == PageMetadata.SHARED_COW) {
          return "a writable mapping of a frame merged copy-on-write";
        }
        settle(pid, vpn);
        return null;
      }
      if (frames.bound(gfn)) {
        return m.filePage(gfn) ? "holds page " + m.where(gfn) + " of secure file " + m.oid(gfn)
            : "holds page 0x" + Long.toHexString(m.where(gfn) << X86.PAGE_SHIFT) + " of HAP " + m.owner(gfn);
      }
      long elsewhere = frames.frameOf(pid, vpn);
      if (elsewhere >= 0) {
        return "the page is in gfn " + elsewhere + ", not in this OS frame";
      }
      if (swappedBlock.containsKey(SegoFrames.pageKey(pid, vpn))) {
        return "the page is swapped out: it comes back only by swap-in, not in an OS frame";
      }
      freshPage(gfn);
      frames.bindAnonymous(gfn, pid, vpn);
      return null;
    }
    long oid = intent.objectId();
    long page = intent.offsetOf(gvaPage) >>> X86.PAGE_SHIFT;
    if (frames.bound(gfn)) {
      if (!m.filePage(gfn) || m.oid(gfn) != oid || m.where(gfn) != page) {
        return "the intent is page " + page + " of secure file " + oid + "; the frame holds "
            + (m.filePage(gfn) ? "page " + m.where(gfn) + " of secure file " + m.oid(gfn)
                : "page 0x" + Long.toHexString(m.where(gfn) << X86.PAGE_SHIFT) + " of HAP " + m.owner(gfn));
      }
      return null;
    }
    if (files.version(oid, page) != 0) {
      return "page " + page + " of secure file " + oid + " was written at version " + files.version(oid, page)
          + "; it comes back only by a checked read-in, not in an OS frame";
    }
    freshPage(gfn);
    frames.bindFile(gfn, pid, oid, page);
    return null;
  }

  /**
   * A HAP registering maps, read-only at the same address, a page another HAP holds: a fork's
   * child inheriting its parent's memory copy-on-write. It inherits the parent's intent there and
   * becomes a holder of the frame. False if the frame is not such a page.
   */
  private boolean inherit(int child, long gvaPage, long gfn) {
    long vpn = gvaPage >>> X86.PAGE_SHIFT;
    int parent = -1;
    if (frames.meta.filePage(gfn)) {
      for (int n = 0; n < viewOf.count(); n++) {
        int p = viewOf.pidAt(n);
        MappingIntents.Intent i = p == child ? null : hv.intents().lookup(p, gvaPage);
        if (i != null && i.objectId() == frames.meta.oid(gfn) && i.offsetOf(gvaPage) >>> X86.PAGE_SHIFT == frames.meta.where(gfn)) {
          parent = p;
          break;
        }
      }
    } else {
      for (long k : frames.pagesOf(gfn)) {
        if (SegoFrames.pidOf(k) != child && SegoFrames.vpnOf(k) == vpn) {
          parent = SegoFrames.pidOf(k);
          break;
        }
      }
    }
    MappingIntents.Intent from = parent < 0 ? null : hv.intents().lookup(parent, gvaPage);
    if (from == null) {
      return false;
    }
    if (hv.intents().lookup(child, gvaPage) == null) {
      hv.intents().declare(child, from.gva(), from.length(), from.objectId(), from.offset());
    }
    if (!frames.meta.filePage(gfn) && !frames.holds(gfn, child, vpn)) {
      frames.addHolder(gfn, child, vpn);
    }
    return true;
  }

  /** A new page arrives in an OS frame: the hypervisor zeroes it first (the OS chose its bytes). */
  private void freshPage(long gfn) {
    hv.memory().zeroFrame(frames.host(gfn));
    hv.charge(scrubCategory, scrubNanos);
    freshZeroed.add(1);
  }

  /** Page {@code vpn} of {@code pid} is mapped from its frame again: its swap slot no longer holds the current copy. */
  private void settle(int pid, long vpn) {
    long key = SegoFrames.pageKey(pid, vpn);
    if (swappedBlock.containsKey(key)) {
      swappedBlock.remove(key);
      swappedVersion.remove(key);
    }
  }

  /** A leaf of {@code pid} that mapped {@code oldGfn} changed: its TLB entries through that frame go. */
  private void leafGone(int pid, long gvaPage, long oldGfn) {
    int v = viewOf.view(pid);
    if (v < 0 || oldGfn >= hv.guestFrames()) {
      return;
    }
    EptView view = hv.views().get(v);
    long e = view.entry(oldGfn);
    if (e != 0) {
      view.setPermissions(oldGfn, (int) (e & X86.EPT_RWX)); // invalidates the TLB entries that used it
    }
  }

  // ---- exits and I/O ------------------------------------------------------------------------------

  @Override
  public ExitAnswer onEptExit(EptExit exit) {
    long gfn = exit.gfn();
    if (exit.accessor() != EptExit.Accessor.USER) {
      if (exit.write() && guard.written(gfn)) {
        return ExitAnswer.RETRY;
      }
      if (frames.bound(gfn)) {
        osDenied.add(1);
      }
      return ExitAnswer.DENY;
    }
    int pid = exit.pid();
    int v = viewOf.view(pid);
    if (v < 0 || exit.view().id() != v) {
      return ExitAnswer.DENY;
    }
    EptView view = hv.views().get(v);
    if (guard.tableOf(gfn, pid)) {
      view.map(gfn, frames.host(gfn), X86.EPT_RWX); // the MMU walks (and ages) the HAP's own tables
      return ExitAnswer.RETRY;
    }
    PageMetadata m = frames.meta;
    if (!frames.bound(gfn)) {
      if (guard.guards(gfn)) {
        return ExitAnswer.DENY; // another process's page table
      }
      view.map(gfn, frames.host(gfn), X86.EPT_RWX); // unprotected memory, the OS's too (checked when mapped)
      return ExitAnswer.RETRY;
    }
    if (m.filePage(gfn)) {
      MappingIntents.Intent intent = hv.intents().lookup(pid, X86.pageBase(exit.gva()));
      if (intent == null || intent.objectId() != m.oid(gfn)) {
        return ExitAnswer.DENY;
      }
      if (exit.write()) {
        dirtyFile.put(gfn, m.oid(gfn));
        view.map(gfn, frames.host(gfn), X86.EPT_RWX);
      } else {
        view.map(gfn, frames.host(gfn), X86.EPT_R | X86.EPT_X); // its first write marks it dirty
      }
      return ExitAnswer.RETRY;
    }
    if (frames.heldBy(gfn, pid)) {
      view.map(gfn, frames.host(gfn), m.state(gfn) == PageMetadata.SHARED_COW ? X86.EPT_R | X86.EPT_X : X86.EPT_RWX);
      return ExitAnswer.RETRY;
    }
    return ExitAnswer.DENY;
  }

  @Override
  public BlockIo.Answer onBlockIo(BlockIo io) {
    if (io.adversary()) {
      long key = tags.key(io.device(), io.block());
      if (io.firstGfn() >= 0 && frames.bound(io.firstGfn())) {
        adversaryRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
      if (tags.tagged(key)) {
        if (settings.deviceRefusal() && (!io.write() || live(key))) {
          adversaryRefused.add(1);
          return BlockIo.Answer.REFUSE;
        }
        if (io.write()) {
          tags.drop(key, true);
        }
      }
      if (io.firstGfn() >= 0 && !io.write()) {
        guard.written(io.firstGfn());
      }
      return BlockIo.Answer.PROCEED;
    }
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      long key = tags.key(io.device(), io.block() + i);
      boolean authorized = io.write() ? authorizedOut.get(gfn) == key : authorizedIn.get(key) == gfn;
      if (authorized) {
        continue;
      }
      if (frames.bound(gfn)) {
        dmaRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
      if (settings.deviceRefusal() && tags.tagged(key) && (!io.write() || live(key))) {
          dmaRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
    }
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      long key = tags.key(io.device(), io.block() + i);
      if (io.write()) {
        if (authorizedOut.get(gfn) == key) {
          authorizedOut.remove(gfn);
        } else if (tags.tagged(key)) {
          tags.drop(key, live(key)); // the block now holds something else
        }
      } else {
        if (authorizedIn.get(key) == gfn) {
          authorizedIn.remove(key);
        }
        guard.written(gfn); // (a read into a frame that still was a HAP's page table)
      }
    }
    return BlockIo.Answer.PROCEED;
  }

  /** Whether block {@code key} holds the current copy of a page: a swapped-out page's, or a secure-file page's last write. */
  private boolean live(long key) {
    long whom = tags.whom(key);
    if ((whom & BlockTags.FILE) != 0) {
      long oid = (whom & ~BlockTags.FILE) >>> 34;
      long page = whom & ((1L << 34) - 1);
      return files.version(oid, page) == tags.version(key) && files.block(oid, page) == (key & ((1L << 48) - 1));
    }
    return swappedBlock.get(whom) == key && swappedVersion.get(whom) == tags.version(key);
  }

  // ---- hypercalls ---------------------------------------------------------------------------------

  @Override
  public HypercallResult hypercall(Caller caller, Hypercall call) {
    int pid = caller.pid();
    if (call instanceof HapHypercalls.Register) {
      return register(pid);
    }
    if (call instanceof KernelHypercall) {
      return kernelCall(call);
    }
    if (!viewOf.has(pid)) {
      return new HypercallResult.Refused("process " + pid + " is not a registered HAP");
    }
    return hapCall(pid, call);
  }

  private HypercallResult register(int pid) {
    if (pid > PageMetadata.MAX_OWNER) {
      return new HypercallResult.Refused("pid " + pid + " above the metadata's owner range 1.." + PageMetadata.MAX_OWNER);
    }
    if (!viewOf.has(pid)) {
      EptView view = hv.views().create("sego-hap-" + pid);
      viewOf.put(pid, view.id());
      hv.setView(pid, view.id());
      adopting = pid;
      try {
        guard.adopt(pid, hv.processes().cr3(pid));
      } finally {
        adopting = -1;
      }
    }
    return new HypercallResult.Ok(viewOf.view(pid));
  }

  private HypercallResult hapCall(int pid, Hypercall call) {
    if (call instanceof HapHypercalls.Protect) {
      HapHypercalls.Protect p = (HapHypercalls.Protect) call;
      long start = X86.pageBase(p.gva());
      long end = X86.pageBase(p.gva() + p.length() + X86.PAGE_SIZE - 1);
      if (end <= start) {
        return new HypercallResult.Refused("an empty range");
      }
      MappingIntents.Intent there = hv.intents().lookup(pid, start);
      if (there == null || there.objectId() == 0) {
        hv.intents().declare(pid, start, end - start, 0, start); // (a secure file's mapping keeps the intent declared for it)
      }
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.DeclareIntent) {
      HapHypercalls.DeclareIntent d = (HapHypercalls.DeclareIntent) call;
      if (d.objectId() != 0 && !files.known(d.objectId())) {
        return new HypercallResult.Refused("OID " + d.objectId() + " is no secure file of this HAP");
      }
      try {
        return new HypercallResult.Ok(hv.intents().declare(pid, d.gva(), d.length(), d.objectId(), d.offset()).token());
      } catch (IllegalArgumentException e) {
        return new HypercallResult.Refused(e.getMessage());
      }
    }
    if (call instanceof HapHypercalls.RevokeIntent) {
      HapHypercalls.RevokeIntent r = (HapHypercalls.RevokeIntent) call;
      try {
        return hv.intents().revoke(pid, r.gva(), r.length()) ? HypercallResult.ok() : new HypercallResult.Refused("no intent there");
      } catch (IllegalArgumentException e) {
        return new HypercallResult.Refused(e.getMessage());
      }
    }
    if (call instanceof HapHypercalls.Interpose) {
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.BindSecureFile) {
      return new HypercallResult.Ok(files.bind(((HapHypercalls.BindSecureFile) call).path()));
    }
    if (call instanceof HapHypercalls.UnbindSecureFile) {
      long oid = files.unbind(((HapHypercalls.UnbindSecureFile) call).path(), this::deletedBlock);
      if (oid == 0) {
        return new HypercallResult.Refused("not bound");
      }
      releaseFile(oid);
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.RenameSecureFile) {
      HapHypercalls.RenameSecureFile r = (HapHypercalls.RenameSecureFile) call;
      long replaced = files.oid(r.to());
      if (!files.rename(r.from(), r.to(), this::deletedBlock)) {
        return new HypercallResult.Refused("not bound");
      }
      if (replaced != 0 && replaced != files.oid(r.to())) {
        releaseFile(replaced);
      }
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.SecureFileLength) {
      HapHypercalls.SecureFileLength l = (HapHypercalls.SecureFileLength) call;
      if (!files.known(l.objectId())) {
        return new HypercallResult.Refused("OID " + l.objectId() + " is no secure file");
      }
      if (l.length() >= 0) {
        if (l.length() < files.length(l.objectId())) {
          return new HypercallResult.Refused("a secure file never shrinks (" + files.length(l.objectId()) + " -> " + l.length() + ")");
        }
        files.setLength(l.objectId(), l.length());
      }
      return new HypercallResult.Ok(files.length(l.objectId()));
    }
    if (call instanceof HapHypercalls.ConfirmDurable) {
      return confirmDurable(((HapHypercalls.ConfirmDurable) call).objectId());
    }
    if (call instanceof HapHypercalls.Entropy) {
      return new HypercallResult.Ok(hv.random("entropy").nextLong());
    }
    return new HypercallResult.Refused("sego offers no hypercall '" + call.name() + "'");
  }

  /** The file is gone: its cached pages are scrubbed and given back to the OS, which may reuse their blocks at once. */
  private void releaseFile(long oid) {
    for (long gfn = 0; gfn < hv.guestFrames(); gfn++) {
      if (frames.meta.filePage(gfn) && frames.meta.oid(gfn) == oid) {
        frames.release(gfn);
        dirtyFile.remove(gfn);
        authorizedOut.remove(gfn);
      }
    }
  }

  /**
   * A deleted file's block: with secure delete its tag stays (stale: the OS may overwrite the block
   * but never read what the file left there); without it the tag goes and the OS reads the remnant.
   */
  private void deletedBlock(long block) {
    if (!settings.secureDelete() && files.device() != null) {
      tags.drop(tags.key(files.device(), block), false);
    }
  }

  private HypercallResult confirmDurable(long oid) {
    if (!files.known(oid)) {
      return new HypercallResult.Refused("OID " + oid + " is no secure file");
    }
    int[] dirty = {0};
    dirtyFile.forEach((gfn, o) -> {
      if (o == oid) {
        dirty[0]++;
      }
    });
    if (dirty[0] > 0) {
      return new HypercallResult.Refused(dirty[0] + " page(s) of secure file " + oid + " were written since their last write-back");
    }
    long done = files.sync();
    long wait = done - hv.clock().nowNanos();
    if (wait > 0) {
      hv.charge(storeCategory, wait);
    }
    return HypercallResult.ok();
  }

  private HypercallResult kernelCall(Hypercall call) {
    if (call instanceof KernelHypercalls.SwapOutPage) {
      return swapOut((KernelHypercalls.SwapOutPage) call);
    }
    if (call instanceof KernelHypercalls.SwapInPage) {
      return swapIn((KernelHypercalls.SwapInPage) call);
    }
    if (call instanceof KernelHypercalls.InstallPte) {
      KernelHypercalls.InstallPte i = (KernelHypercalls.InstallPte) call;
      if (!hv.processes().alive(i.pid())) {
        return new HypercallResult.Refused("process " + i.pid() + " is not running");
      }
      String evidence = guard.install(i.pid(), hv.processes().cr3(i.pid()), i.gva(), i.pte());
      if (evidence == null) {
        installs.add(1);
        return HypercallResult.ok();
      }
      if (evidence.equals("no table")) {
        return new HypercallResult.Refused("no page table for 0x" + Long.toHexString(i.gva()));
      }
      hv.violation(i.pid(), evidence);
      return new HypercallResult.Violation(evidence);
    }
    if (call instanceof KernelHypercalls.WriteUser) {
      return new HypercallResult.Refused("sego lets the kernel write results into the library's bounce buffer");
    }
    if (call instanceof KernelHypercalls.CopyPage) {
      return copyPage((KernelHypercalls.CopyPage) call);
    }
    if (call instanceof KernelHypercalls.ZeroPage) {
      KernelHypercalls.ZeroPage z = (KernelHypercalls.ZeroPage) call;
      frames.release(z.gfn());
      hv.memory().zeroFrame(frames.host(z.gfn()));
      hv.charge(scrubCategory, scrubNanos);
      if (z.pid() >= 0 && viewOf.has(z.pid()) && hv.intents().lookup(z.pid(), z.vpn() << X86.PAGE_SHIFT) != null
          && frames.frameOf(z.pid(), z.vpn()) < 0) {
        frames.bindAnonymous(z.gfn(), z.pid(), z.vpn());
      }
      zeroes.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.ReleasePage) {
      KernelHypercalls.ReleasePage r = (KernelHypercalls.ReleasePage) call;
      long[] pages = frames.pagesOf(r.gfn());
      if (pages.length > 1 && r.pid() >= 0) {
        for (long k : pages) {
          if (SegoFrames.pidOf(k) == r.pid()) {
            frames.dropHolder(r.gfn(), r.pid(), SegoFrames.vpnOf(k));
            break;
          }
        }
      } else {
        frames.release(r.gfn());
        dirtyFile.remove(r.gfn());
      }
      authorizedOut.remove(r.gfn());
      releases.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.SharePages) {
      return share((KernelHypercalls.SharePages) call);
    }
    if (call instanceof KernelHypercalls.MovePage) {
      KernelHypercalls.MovePage m = (KernelHypercalls.MovePage) call;
      if (frames.bound(m.dstGfn())) {
        return new HypercallResult.Refused("frame " + m.dstGfn() + " is an S-page, not free");
      }
      hv.memory().copyFrame(frames.host(m.srcGfn()), frames.host(m.dstGfn()));
      hv.charge(copyCategory, copyNanos);
      if (frames.bound(m.srcGfn())) {
        long dirtyOid = dirtyFile.remove(m.srcGfn());
        frames.move(m.srcGfn(), m.dstGfn());
        if (dirtyOid != 0) {
          dirtyFile.put(m.dstGfn(), dirtyOid);
        }
      }
      moves.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.WriteBackFilePage) {
      return writeBack((KernelHypercalls.WriteBackFilePage) call);
    }
    if (call instanceof KernelHypercalls.ReadInFilePage) {
      return readIn((KernelHypercalls.ReadInFilePage) call);
    }
    if (call instanceof KernelHypercalls.BlockCopy) {
      KernelHypercalls.BlockCopy c = (KernelHypercalls.BlockCopy) call;
      for (int k = 0; k < c.count(); k++) {
        long src = tags.key(c.device(), c.srcBlock() + k);
        long dst = tags.key(c.device(), c.dstBlock() + k);
        if (tags.tagged(src)) {
          long whom = tags.whom(src);
          long v = tags.version(src);
          tags.put(dst, whom, v); // the page's tag moves with its bytes
          if ((whom & BlockTags.FILE) != 0) {
            long oid = (whom & ~BlockTags.FILE) >>> 34;
            long page = whom & ((1L << 34) - 1);
            if (files.version(oid, page) == v) {
              files.written(c.device(), oid, page, c.dstBlock() + k, v);
            }
          }
        } else {
          tags.drop(dst, false);
        }
      }
      blockCopies.add(c.count());
      return HypercallResult.ok();
    }
    return new HypercallResult.Refused("sego offers no hypercall '" + call.name() + "'");
  }

  private HypercallResult swapOut(KernelHypercalls.SwapOutPage s) {
    long gfn = s.gfn();
    if (!frames.bound(gfn)) {
      swapOuts.add(1);
      return HypercallResult.ok(); // not an S-page (unprotected memory of the HAP): nothing to tag
    }
    if (!frames.holds(gfn, s.pid(), s.vpn()) || frames.pagesOf(gfn).length != 1) {
      return new HypercallResult.Refused("frame " + gfn + " does not hold page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT)
          + " of " + s.pid() + " alone");
    }
    long v = frames.meta.bumpVersion(gfn, frames.epoch);
    frames.meta.setState(gfn, PageMetadata.IN_TRANSIT);
    long key = tags.key(s.device(), s.block());
    long page = SegoFrames.pageKey(s.pid(), s.vpn());
    tags.put(key, BlockTags.anonymous(s.pid(), s.vpn()), v);
    swappedBlock.put(page, key);
    swappedVersion.put(page, v);
    protectedPeak = Math.max(protectedPeak, frames.boundNow() - 1 + swappedBlock.size());
    authorizedOut.put(gfn, key);
    swapOuts.add(1);
    return HypercallResult.ok();
  }

  private HypercallResult swapIn(KernelHypercalls.SwapInPage s) {
    long page = SegoFrames.pageKey(s.pid(), s.vpn());
    long key = tags.key(s.device(), s.block());
    if (!swappedBlock.containsKey(page)) {
      swapIns.add(1);
      return HypercallResult.ok(); // a page the hypervisor never tagged (unprotected memory)
    }
    long whom = tags.whom(key);
    String where = s.device() + " block " + s.block();
    if (settings.checkBinding() && whom != BlockTags.anonymous(s.pid(), s.vpn())) {
      return violation(s.pid(), CHECK_BINDING, where + (whom == 0 ? " carries no tag (the kernel wrote it itself)"
          : " is tagged with " + describe(whom) + ", not page 0x" + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + " of pid " + s.pid()));
    }
    if (settings.checkVersion() && whom == BlockTags.anonymous(s.pid(), s.vpn()) && tags.version(key) != swappedVersion.get(page)) {
      return violation(s.pid(), CHECK_VERSION, where + " holds version " + versionText(tags.version(key)) + " of page 0x"
          + Long.toHexString(s.vpn() << X86.PAGE_SHIFT) + "; its current version is " + versionText(swappedVersion.get(page)));
    }
    if (frames.bound(s.gfn())) {
      return new HypercallResult.Refused("frame " + s.gfn() + " is an S-page, not free");
    }
    frames.bindAnonymous(s.gfn(), s.pid(), s.vpn());
    frames.meta.setState(s.gfn(), PageMetadata.IN_TRANSIT);
    authorizedIn.put(key, s.gfn());
    swapIns.add(1);
    return HypercallResult.ok();
  }

  private static String versionText(long v) {
    return "(" + PageMetadata.epochOf(v) + ", " + PageMetadata.counterOf(v) + ")";
  }

  private static String describe(long whom) {
    if ((whom & BlockTags.FILE) != 0) {
      return "page " + (whom & ((1L << 34) - 1)) + " of secure file " + ((whom & ~BlockTags.FILE) >>> 34);
    }
    return "page 0x" + Long.toHexString(SegoFrames.vpnOf(whom) << X86.PAGE_SHIFT) + " of pid " + SegoFrames.pidOf(whom);
  }

  private HypercallResult copyPage(KernelHypercalls.CopyPage c) {
    if (frames.bound(c.dstGfn())) {
      return new HypercallResult.Refused("frame " + c.dstGfn() + " is an S-page, not free");
    }
    boolean protectedSource = frames.bound(c.srcGfn());
    if (protectedSource && !frames.holds(c.srcGfn(), c.pid(), c.vpn()) && !frames.heldBy(c.srcGfn(), c.pid())) {
      return violation(c.pid(), CHECK_INTENT, "copy of gfn " + c.srcGfn() + " for page 0x" + Long.toHexString(c.vpn() << X86.PAGE_SHIFT)
          + " of pid " + c.pid() + ": the frame holds " + describe(frames.pagesOf(c.srcGfn()).length > 0 ? frames.pagesOf(c.srcGfn())[0] : 0));
    }
    hv.memory().copyFrame(frames.host(c.srcGfn()), frames.host(c.dstGfn()));
    hv.charge(copyCategory, copyNanos);
    if (protectedSource) {
      if (frames.holds(c.srcGfn(), c.pid(), c.vpn()) && frames.pagesOf(c.srcGfn()).length > 1) {
        frames.dropHolder(c.srcGfn(), c.pid(), c.vpn());
      }
      frames.bindAnonymous(c.dstGfn(), c.pid(), c.vpn());
    } else if (viewOf.has(c.pid()) && hv.intents().lookup(c.pid(), c.vpn() << X86.PAGE_SHIFT) != null) {
      frames.bindAnonymous(c.dstGfn(), c.pid(), c.vpn());
    }
    copies.add(1);
    return HypercallResult.ok();
  }

  private HypercallResult share(KernelHypercalls.SharePages s) {
    long keep = s.keepGfn();
    long drop = s.dropGfn();
    if (settings.sharing().equals(SegoSettings.SHARE_OFF)) {
      return new HypercallResult.Refused("sharing = off");
    }
    if (frames.bound(keep) != frames.bound(drop)) {
      return new HypercallResult.Refused("one of the pages is protected and the other is not");
    }
    if (!frames.bound(keep)) {
      return new HypercallResult.Refused("neither page is protected: the kernel can compare them itself");
    }
    PageMetadata m = frames.meta;
    if (m.filePage(keep) || m.filePage(drop) || m.state(keep) == PageMetadata.IN_TRANSIT || m.state(drop) == PageMetadata.IN_TRANSIT) {
      return new HypercallResult.Refused("only resident anonymous pages are merged");
    }
    long[] dropPages = frames.pagesOf(drop);
    if (settings.sharing().equals(SegoSettings.SHARE_WITHIN)) {
      int owner = SegoFrames.pidOf(frames.pagesOf(keep)[0]);
      for (long k : dropPages) {
        if (SegoFrames.pidOf(k) != owner) {
          return new HypercallResult.Refused("the pages belong to different HAPs (sharing = within-hap)");
        }
      }
    }
    hv.memory().read(frames.host(keep) << X86.PAGE_SHIFT, pageA, 0, X86.PAGE_SIZE);
    hv.memory().read(frames.host(drop) << X86.PAGE_SHIFT, pageB, 0, X86.PAGE_SIZE);
    int differ = java.util.Arrays.mismatch(pageA, pageB);
    // A comparison reads both pages up to the first cache line that differs (all of them if equal).
    long lines = differ < 0 ? X86.PAGE_SIZE / 64 : differ / 64 + 1;
    hv.charge(shareCategory, 2 * copyNanos * lines / (X86.PAGE_SIZE / 64));
    if (differ >= 0) {
      return new HypercallResult.Refused("the pages differ");
    }
    frames.release(drop);
    for (long k : dropPages) {
      frames.addHolder(keep, SegoFrames.pidOf(k), SegoFrames.vpnOf(k));
    }
    shares.add(1);
    return HypercallResult.ok();
  }

  private HypercallResult writeBack(KernelHypercalls.WriteBackFilePage w) {
    long gfn = w.gfn();
    PageMetadata m = frames.meta;
    if (!frames.bound(gfn)) {
      fileWriteBacks.add(1);
      return HypercallResult.ok(); // a page the HAP never mapped as a secure file's: the kernel's own
    }
    long page = w.offset() >>> X86.PAGE_SHIFT;
    if (!m.filePage(gfn) || m.where(gfn) != page) {
      return violation(-1, CHECK_BINDING, "write-back of gfn " + gfn + " as page " + page + " of inode " + w.inode()
          + ": the frame holds " + (m.filePage(gfn) ? "page " + m.where(gfn) + " of secure file " + m.oid(gfn)
              : describe(frames.pagesOf(gfn)[0])));
    }
    long oid = m.oid(gfn);
    long known = files.oidOfInode(w.inode());
    if (known != 0 && known != oid) {
      return violation(-1, CHECK_BINDING, "inode " + w.inode() + " holds secure file " + known + ", not " + oid);
    }
    if (known == 0) {
      files.bindInode(w.inode(), oid);
    }
    long v = m.bumpVersion(gfn, frames.epoch);
    long key = tags.key(w.device(), w.block());
    // (The page's older block, if the file system moved it, keeps its stale tag: it never passes as current.)
    tags.put(key, BlockTags.file(oid, page), v);
    files.written(w.device(), oid, page, w.block(), v);
    authorizedOut.put(gfn, key);
    dirtyFile.remove(gfn);
    for (int n = 0; n < viewOf.count(); n++) {
      EptView ev = hv.views().get(viewOf.viewAt(n));
      if (ev.entry(gfn) != 0) {
        ev.setPermissions(gfn, X86.EPT_R | X86.EPT_X); // the next write marks it dirty again
      }
    }
    fileWriteBacks.add(1);
    return HypercallResult.ok();
  }

  private HypercallResult readIn(KernelHypercalls.ReadInFilePage r) {
    long key = tags.key(r.device(), r.block());
    long page = r.offset() >>> X86.PAGE_SHIFT;
    if (frames.bound(r.gfn())) {
      return new HypercallResult.Refused("frame " + r.gfn() + " is an S-page, not free");
    }
    long whom = tags.whom(key);
    if (whom == 0 || (whom & BlockTags.FILE) == 0) {
      fileReadIns.add(1);
      return HypercallResult.ok(); // not a tagged secure-file block: it arrives in an OS frame, and no intent accepts it
    }
    long oid = (whom & ~BlockTags.FILE) >>> 34;
    long tagPage = whom & ((1L << 34) - 1);
    long known = files.oidOfInode(r.inode());
    String where = r.device() + " block " + r.block();
    if (settings.checkBinding() && (tagPage != page || (known != 0 && known != oid))) {
      return violation(-1, CHECK_BINDING, where + " is tagged with page " + tagPage + " of secure file " + oid
          + "; the kernel reads it as page " + page + " of inode " + r.inode());
    }
    if (settings.checkVersion() && tags.version(key) != files.version(oid, tagPage)) {
      return violation(-1, CHECK_VERSION, where + " holds version " + versionText(tags.version(key)) + " of page " + tagPage
          + " of secure file " + oid + "; its current version is " + versionText(files.version(oid, tagPage)));
    }
    if (known == 0) {
      files.bindInode(r.inode(), oid);
    }
    frames.bindFile(r.gfn(), ownerFor(), oid, tagPage);
    authorizedIn.put(key, r.gfn());
    fileReadIns.add(1);
    return HypercallResult.ok();
  }

  /** The owner recorded for a secure-file frame: the namespace is shared by the HAPs, so the first HAP's id stands for it. */
  private int ownerFor() {
    return viewOf.count() == 0 ? 1 : viewOf.pidAt(0);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /**
   * The trusted state, at the end: what the hypervisor holds in RAM (page metadata, tags, table
   * snapshots, the secure-file view, the store's index) and durably (the store's log), and per GiB
   * of protected data at its peak (S-pages resident, plus pages swapped out and secure-file pages).
   */
  @Override
  public void finish() {
    long ram = frames.meta.trustedBytes() + tags.ramBytes() + guard.ramBytes() + files.ramBytes()
        + (store == null ? 0 : store.ramBytes());
    long durable = store == null ? 0 : store.logBlocks() * hv.storage().volume(storeDevice).blockSize();
    long protectedPages = Math.max(1, Math.max(protectedPeak, frames.boundPeak()) + files.pages());
    String p = hv.path();
    stat(p + ".trusted-ram-bytes", "bytes", "trusted state in hypervisor memory at the end (metadata, tags, snapshots, file view, store index)", ram);
    stat(p + ".trusted-durable-bytes", "bytes", "the metadata store's log on its device at the end", durable);
    stat(p + ".protected-pages", "pages", "protected pages: the peak of S-pages resident and swapped out, plus the secure-file pages written", protectedPages);
    long gib = 1L << 30;
    stat(p + ".trusted-ram-bytes-per-protected-gib", "bytes", "trusted RAM per GiB of protected data (SEV-SNP's RMP: 4 MiB per GiB)", ram * (gib / X86.PAGE_SIZE) / protectedPages);
    stat(p + ".trusted-durable-bytes-per-protected-gib", "bytes", "durable trusted state per GiB of protected data", durable * (gib / X86.PAGE_SIZE) / protectedPages);
  }
  /** An end-of-run figure (a counter set once: the stats port has counters only). */
  private void stat(String path, String unit, String description, long value) {
    StatsSink.Counter c = hv.stats().counter(path, unit, description);
    c.add(value - c.value());
  }


  @Override
  public void processExited(int pid) {
    if (!viewOf.has(pid)) {
      return;
    }
    List<Long> mine = new ArrayList<>();
    for (long gfn = 0; gfn < hv.guestFrames(); gfn++) {
      if (frames.bound(gfn) && !frames.meta.filePage(gfn) && frames.heldBy(gfn, pid)) {
        mine.add(gfn);
      }
    }
    for (long gfn : mine) {
      long[] pages = frames.pagesOf(gfn);
      if (pages.length > 1) {
        for (long k : pages) {
          if (SegoFrames.pidOf(k) == pid) {
            frames.dropHolder(gfn, pid, SegoFrames.vpnOf(k));
          }
        }
      } else {
        frames.release(gfn);
      }
    }
    List<Long> swapped = new ArrayList<>();
    swappedBlock.forEach((page, key) -> {
      if (SegoFrames.pidOf(page) == pid) {
        swapped.add(page);
      }
    });
    for (long page : swapped) {
      // The slot's tag stays (stale): the OS may overwrite the block, never read what the HAP left there.
      swappedBlock.remove(page);
      swappedVersion.remove(page);
    }
    guard.forget(pid);
    viewOf.remove(pid);
  }

  @Override
  public void guestCrashed() {
    frames.releaseAll();
    guard.clear();
    viewOf.clear();
    swappedBlock.clear(); // (the slots' tags stay: what the HAPs left in swap stays unreadable)
    swappedVersion.clear();
    authorizedIn.clear();
    authorizedOut.clear();
    dirtyFile.clear();
    files.guestCrashed();
  }
}
