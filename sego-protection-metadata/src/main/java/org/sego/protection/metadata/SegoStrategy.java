package org.sego.protection.metadata;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.sego.api.guest.KernelUserWrite;
import org.sego.api.hv.BlockIo;
import org.sego.api.hv.Check;
import org.sego.api.hv.Claim;
import org.sego.api.hv.EptExit;
import org.sego.api.hv.ExitAnswer;
import org.sego.api.hv.HypervisorServices;
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
import org.sego.support.RunLongMap;

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
  /**
   * The trusted library's checks, each with its off-switch ({@code sfile-sync-write} is the {@code
   * sfile-sync} mode instead, {@code sfile-no-shrink} the {@code sfile-rules} one).
   */
  static final List<String> LIBRARY_CHECKS = Capabilities.LIBRARY_CHECKS.stream()
      .filter(c -> !c.equals(Capabilities.CHECK_SYNC_EACH_WRITE) && !c.equals(Capabilities.CHECK_NO_SHRINK)).toList();

  private final SegoState state;
  private final HypervisorServices hv;
  private final SegoSettings settings;
  private final Capabilities capabilities;
  private final HapViews viewOf;
  private final SegoFrames frames;
  private final MappingCheck mapping;
  private final PageGuard guard;
  private final RunLongMap swapped;
  /** Made at {@code start}, with the store. */
  private BlockTags tags;
  private SecureFileTable files;
  private MetadataStore store;
  private String storeDevice;
  private MemoryServices memory;
  private SecureFileService fileService;
  private DeviceMediation mediation;
  private HapExits exits;
  private HapMappings mappings;
  private final StatsSink.Counter installs;

  @Inject
  SegoStrategy(HypervisorServices hv, SegoSettings settings) {
    this.state = new SegoState(hv, settings);
    this.hv = hv;
    this.settings = settings;
    Set<String> services = new java.util.TreeSet<>(Set.of(Capabilities.SWAP, Capabilities.COPY, Capabilities.ZERO,
        Capabilities.RELEASE, Capabilities.SHARE, Capabilities.COMPACT, Capabilities.SECURE_FILES,
        Capabilities.PAGE_TABLES, Capabilities.BLOCK_COPY));
    if (settings.batch()) {
      services.add(Capabilities.BATCH);
      services.add(Capabilities.SWAP_FOLDED);
    }
    this.capabilities = new Capabilities(services, settings.libraryChecks());
    this.viewOf = state.viewOf;
    this.frames = state.frames;
    this.swapped = state.swapped;
    this.mapping = new MappingCheck(state);
    this.guard = new PageGuard(hv, mapping::checkLeaf, mapping::checkTable, mapping::leafGone);
    mapping.guard = guard;
    String p = hv.path();
    StatsSink s = hv.stats();
    installs = s.counter(p + ".ptes-installed", "entries", "HAP page-table entries checked and installed for the kernel");
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
    tags.forgetSpilled();
    files.recover((device, oid, page, block, v) -> tags.put(tags.key(device, block), BlockTags.file(oid, page), v),
        block -> {
          if (settings.secureDelete()) {
            files.markStale(block); // (a file unbound while held: deleted now)
          }
        });
    if (files.device() != null) {
      // What deleted files and older copies left on the disk stays refused to the OS.
      files.forEachStale(block -> {
        long key = tags.key(files.device(), block);
        if (!tags.tagged(key)) {
          tags.put(key, BlockTags.STALE, 0);
        }
      });
    }
    if (state.wal != null) {
      // A page logged whole before its in-place write: its version is the page's now, whatever the block holds.
      java.util.Set<Long> dropped = new java.util.TreeSet<>();
      state.wal.recover((oid, page, block, v) -> {
        long recorded = files.block(oid, page);
        if (!files.known(oid)) {
          // A deleted file's logged page (its in-place write may have landed): what it left stays stale.
          dropped.add(oid);
          if (settings.secureDelete() && files.device() != null) {
            files.markStale(block);
            long key = tags.key(files.device(), block);
            if (!tags.tagged(key)) {
              tags.put(key, BlockTags.STALE, 0);
            }
          }
        } else if (v > files.version(oid, page) && files.device() != null && (recorded < 0 || recorded == block)) {
          files.written(files.device(), oid, page, block, v);
          tags.put(tags.key(files.device(), block), BlockTags.file(oid, page), v);
        }
      });
      for (long oid : dropped) {
        state.wal.forget(oid, 0);
      }
    }
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
      if (store.bootEpoch() > PageMetadata.MAX_EPOCH) {
        // (Versions are (epoch, counter) with 16 bits of epoch: a later boot would reuse the last one's.)
        throw new IllegalStateException("sego: the metadata store on '" + device + "' is at boot " + store.bootEpoch()
            + ", past the " + PageMetadata.MAX_EPOCH + " boots its page versions can tell apart; give metadata-device a fresh store");
      }
      frames.epoch = (int) store.bootEpoch();
      state.waitForStore(store.readyAt());
    }
    tags = new BlockTags(hv, store, storeDevice, settings.tagCacheEntries());
    files = new SecureFileTable(hv, store);
    state.tags = tags;
    state.files = files;
    state.wal = settings.writeAhead() && store != null ? new WriteAheadLog(hv, store, storeDevice) : null;
    memory = new MemoryServices(state, guard);
    fileService = new SecureFileService(state, guard);
    mediation = new DeviceMediation(state, guard, this::installPte);
    exits = new HapExits(state, mapping, guard, memory);
    mappings = new HapMappings(state, guard);
  }

  @Override
  public List<Claim> claims() {
    List<Claim> c = new ArrayList<>();
    String noPhysical = "against the guest OS only: not against physical access to RAM or disks (no encryption)";
    c.add(Claim.againstOs("confidentiality-ram", "S-pages are mapped only in their HAP's EPT view (" + CHECK_DEVICE_REFUSAL
        + " for swapped pages)", noPhysical));
    c.add(Claim.againstOs("confidentiality-rest", "the virtual device refuses the OS every read of a tagged block ("
        + CHECK_DEVICE_REFUSAL + ")", noPhysical, "after a power failure the secure files' blocks, live or stale (deleted files', older copies'), are"
        + " refused again, but the last boot's swap slots are readable by the OS (swap tags are not durable)"));
    c.add(Claim.againstOs("integrity", "tags bind blocks to owner, page or (OID, offset) (" + CHECK_BINDING
        + "); page tables are paraverified (" + CHECK_INTENT + "); the library trusts the hypervisor's file length"));
    c.add(Claim.againstOs("freshness", "versions in tags (" + CHECK_VERSION + ")",
        "across power failures only with a metadata store (metadata-device, or the only hypervisor device): without one, within one boot"));
    c.add(Claim.againstOs("crash-consistency", "a HAP's fsync returns only after confirm-durable made its pages' tags, versions and length durable",
        "after a guest crash the hypervisor keeps its state; after a power failure it recovers it from the store",
        settings.writeAhead() ? "each secure-file page is atomic: it is logged whole with its version in the metadata store before its"
            + " in-place write (write-protocol = write-ahead), so a torn or lost write comes back as the logged page"
            : "write-protocol = in-place: tags are not written atomically with the data, so a write torn by a power failure comes back"
            + " as a mixed page under its older tag"));
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
    for (String l : LIBRARY_CHECKS) {
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

  // ---- exits and I/O ------------------------------------------------------------------------------

  @Override
  public ExitAnswer onEptExit(EptExit exit) {
    return exits.onEptExit(exit);
  }

  @Override
  public BlockIo.Answer onBlockIo(BlockIo io) {
    return mediation.onBlockIo(io);
  }

  @Override
  public void blockIoDone(BlockIo io, boolean ok) {
    mediation.blockIoDone(io, ok);
  }

  @Override
  public void deviceFlushed(String device) {
    if (state.wal != null) {
      state.wal.flushed(device);
    }
    if (files.flushed(device)) {
      state.waitForStore(files.sync()); // the blocks the OS rewrote stop being stale durably before the kernel hears of the flush
    }
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
      mapping.adopting = pid;
      try {
        guard.adopt(pid, hv.processes().cr3(pid));
      } finally {
        mapping.adopting = -1;
      }
    }
    return new HypercallResult.Ok(viewOf.view(pid));
  }




  private HypercallResult hapCall(int pid, Hypercall call) {
    HypercallResult mapped = mappings.hapCall(pid, call);
    if (mapped != null) {
      return mapped;
    }
    if (call instanceof HapHypercalls.Interpose) {
      return HypercallResult.ok();
    }
    HypercallResult file = fileService.hapCall(pid, call);
    if (file != null) {
      return file;
    }
    if (call instanceof HapHypercalls.Entropy) {
      return new HypercallResult.Ok(hv.random("entropy").nextLong());
    }
    return new HypercallResult.Refused("sego offers no hypercall '" + call.name() + "'");
  }

  /**
   * {@code install-pte}, and a folded swap-in's entry once its bytes have arrived: checked and, if
   * it passes, written; a failed check is a violation for {@code pid}.
   */
  HypercallResult installPte(int pid, long gva, long pte) {
    if (!hv.processes().alive(pid)) {
      return new HypercallResult.Refused("process " + pid + " is not running");
    }
    String evidence = guard.install(pid, hv.processes().cr3(pid), gva, pte);
    if (evidence == null) {
      installs.add(1);
      return HypercallResult.ok();
    }
    if (evidence.equals("no table")) {
      return new HypercallResult.Refused("no page table for 0x" + Long.toHexString(gva));
    }
    hv.violation(pid, evidence);
    return new HypercallResult.Violation(evidence);
  }

  private HypercallResult kernelCall(Hypercall call) {
    if (call instanceof KernelHypercalls.SwapOutPage) {
      return memory.swapOut((KernelHypercalls.SwapOutPage) call);
    }
    if (call instanceof KernelHypercalls.SwapInPage) {
      return memory.swapIn((KernelHypercalls.SwapInPage) call);
    }
    if (call instanceof KernelHypercalls.InstallPte) {
      KernelHypercalls.InstallPte i = (KernelHypercalls.InstallPte) call;
      return installPte(i.pid(), i.gva(), i.pte());
    }
    if (call instanceof KernelHypercalls.WriteUser) {
      return new HypercallResult.Refused("sego lets the kernel write results into the library's bounce buffer");
    }
    if (call instanceof KernelHypercalls.CopyPage) {
      return memory.copyPage((KernelHypercalls.CopyPage) call);
    }
    if (call instanceof KernelHypercalls.ZeroPage) {
      return memory.zero((KernelHypercalls.ZeroPage) call);
    }
    if (call instanceof KernelHypercalls.ReleasePage) {
      return memory.release((KernelHypercalls.ReleasePage) call);
    }
    if (call instanceof KernelHypercalls.SharePages) {
      return memory.share((KernelHypercalls.SharePages) call);
    }
    if (call instanceof KernelHypercalls.MovePage) {
      return memory.move((KernelHypercalls.MovePage) call);
    }
    if (call instanceof KernelHypercalls.WriteBackFilePage) {
      return fileService.writeBack((KernelHypercalls.WriteBackFilePage) call);
    }
    if (call instanceof KernelHypercalls.ReadInFilePage) {
      return fileService.readIn((KernelHypercalls.ReadInFilePage) call);
    }
    if (call instanceof KernelHypercalls.BlockCopy) {
      return fileService.blockCopy((KernelHypercalls.BlockCopy) call);
    }
    return new HypercallResult.Refused("sego offers no hypercall '" + call.name() + "'");
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
    long protectedPages = Math.max(1, Math.max(memory.protectedPeak, frames.boundPeak()) + files.pages());
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
      if (!frames.dropHolderPid(gfn, pid, true)) {
        state.releaseFrame(gfn);
      }
    }
    List<Long> gone = new ArrayList<>();
    swapped.forEach((page, key, v) -> {
      if (SegoFrames.pidOf(page) == pid) {
        gone.add(page);
      }
    });
    for (long page : gone) {
      // The slot's tag stays (stale): the OS may overwrite the block, never read what the HAP left there.
      swapped.remove(page);
    }
    mappings.forgetDiscarded(pid, 0, Long.MAX_VALUE);
    fileService.processExited(pid);
    guard.forget(pid);
    viewOf.remove(pid);
  }


  @Override
  public void guestCrashed() {
    frames.releaseAll();
    guard.clear();
    viewOf.clear();
    fileService.guestCrashed();
    state.guestCrashed();
    files.guestCrashed();
  }
}
