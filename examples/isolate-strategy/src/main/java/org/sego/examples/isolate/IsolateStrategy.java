package org.sego.examples.isolate;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
import org.sego.api.guest.KernelUserWrite;
import org.sego.api.hv.BlockIo;
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
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;

/**
 * Denies the OS every frame of a HAP's protected memory, and does for the kernel by hypercall what
 * the kernel can then no longer do itself: swap-out and swap-in (it authorizes exactly the swap
 * request of the page it bound, and scrubs the frame when the kernel releases it), the
 * copy-on-write copy, zeroing, page sharing (it compares and merges), and compaction (it moves).
 *
 * <p>Each HAP runs in an EPT view of its own that starts empty: the HAP's first touch of a frame
 * exits, and the strategy claims the frame when the HAP's own page tables map it inside a range the
 * HAP protected (the frame leaves the OS's view: still mapped, for DMA, but with no permission) or
 * maps it as shared otherwise. A kernel access to a claimed frame is denied and counted ({@code
 * system.strategy.os-touches-denied}) unless no owner maps it any more (it was freed without a
 * release): then it is scrubbed, given back and the access retried. DMA touching a claimed frame,
 * and any read of a bound swap slot, is refused unless a swap hypercall authorized it; the
 * adversary's raw I/O of a bound slot is refused.
 *
 * <p>It checks no mapping, tag or version: a test bed for the protection-aware guest and a start
 * for a strategy of one's own, not a protection system. Its one claim says so.
 */
final class IsolateStrategy implements ProtectionStrategy {
  private final HypervisorServices hv;
  private final int category;
  private final long walkStepNanos;
  private final long copyNanos;
  private final long scrubNanos;
  private final Map<Integer, Integer> viewOf = new TreeMap<>();
  private final Map<Integer, List<long[]>> ranges = new TreeMap<>();
  /** Swap slot ("device:block") to the page bound to it: {pid, vpn}. */
  private final Map<String, long[]> bindings = new HashMap<>();
  /** A claimed frame whose swap write the strategy authorized, to its slot. */
  private final Map<Long, String> authorizedOut = new HashMap<>();
  /** A slot whose swap read into a claimed frame the strategy authorized, to that frame. */
  private final Map<String, Long> authorizedIn = new HashMap<>();
  private final Frames frames;
  private final Map<Long, List<long[]>> owners;
  private final java.util.Set<Long> fileFrames;
  private final StatsSink.Counter osDenied;
  private final StatsSink.Counter stale;
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
  private final StatsSink.Counter userWrites;
  private final StatsSink.Counter installs;
  private final StatsSink.Counter blockCopies;
  private final StatsSink.Counter installsRefused;
  private final StatsSink.Counter fileReadIns;

  private final boolean userWritesByHypercall;

  @Inject
  IsolateStrategy(HypervisorServices hv, IsolateSettings settings) {
    this.hv = hv;
    this.userWritesByHypercall = settings.userWritesByHypercall();
    this.category = hv.category("isolate.work");
    this.walkStepNanos = hv.costs().duration(CostProfile.MEM_WALK_STEP).nanos();
    this.copyNanos = hv.costs().bandwidth(CostProfile.HV_COPY).nanosFor(X86.PAGE_SIZE);
    this.scrubNanos = hv.costs().bandwidth(CostProfile.HV_SCRUB).nanosFor(X86.PAGE_SIZE);
    String p = hv.path();
    StatsSink s = hv.stats();
    frames = new Frames(hv, viewOf, category, walkStepNanos, scrubNanos, authorizedOut::remove);
    owners = frames.owners;
    fileFrames = frames.fileFrames;
    osDenied = s.counter(p + ".os-touches-denied", "accesses", "kernel accesses to a frame a HAP still maps, denied");
    stale = s.counter(p + ".stale-released", "frames", "claimed frames no HAP mapped any more, scrubbed and given back on the OS's touch");
    dmaRefused = s.counter(p + ".dma-refused", "requests", "kernel block requests touching a claimed frame or a bound slot without a swap hypercall");
    adversaryRefused = s.counter(p + ".adversary-refused", "requests", "the adversary's raw reads and writes of a bound swap slot, refused");
    swapOuts = s.counter(p + ".swap-outs", "pages", "swap-out hypercalls answered");
    swapIns = s.counter(p + ".swap-ins", "pages", "swap-in hypercalls answered");
    copies = s.counter(p + ".copies", "pages", "copy-on-write copies made for the kernel");
    zeroes = s.counter(p + ".zeroes", "pages", "frames zeroed for the kernel");
    releases = s.counter(p + ".releases", "frames", "release hypercalls answered");
    shares = s.counter(p + ".shares", "pages", "pages merged after the hypervisor compared them");
    moves = s.counter(p + ".moves", "pages", "pages moved for compaction");
    blockCopies = s.counter(p + ".block-copies", "blocks", "journaled secure-file blocks copied home for the kernel");
    installs = s.counter(p + ".ptes-installed", "entries", "HAP page-table entries installed for the kernel");
    installsRefused = s.counter(p + ".ptes-refused", "entries", "HAP page-table entries refused: a writable mapping of another HAP's frame");
    userWrites = s.counter(p + ".user-writes", "writes", "kernel writes into user memory done by the hypervisor");
    fileWriteBacks = s.counter(p + ".file-write-backs", "pages", "secure-file page write-backs authorized");
    fileReadIns = s.counter(p + ".file-read-ins", "pages", "secure-file page read-ins authorized");
  }

  @Override
  public String name() {
    return "isolate";
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  private static final Capabilities CAPABILITIES = new Capabilities(Set.of(Capabilities.SWAP, Capabilities.COPY,
      Capabilities.ZERO, Capabilities.RELEASE, Capabilities.SHARE, Capabilities.COMPACT, Capabilities.SECURE_FILES, Capabilities.PAGE_TABLES, Capabilities.BLOCK_COPY),
      Set.copyOf(Capabilities.LIBRARY_CHECKS));

  /**
   * System-call results land in the trusted library's bounce buffers, written by the kernel itself
   * ({@code user-writes = "bounce"}) or by the hypervisor ({@code "hypercall"}); the copy-on-write
   * copy is the hypervisor's; signal frames and futex words are on memory isolate does not protect.
   */
  @Override
  public KernelUserWrite.Handling userWriteHandling(KernelUserWrite path) {
    switch (path) {
      case FORK_COPY_ON_WRITE:
        return KernelUserWrite.Handling.HYPERCALL;
      case SIGNAL_FRAME:
      case FUTEX_WORD:
        return KernelUserWrite.Handling.DIRECT;
      default:
        return userWritesByHypercall ? KernelUserWrite.Handling.HYPERCALL : KernelUserWrite.Handling.BOUNCE;
    }
  }

  @Override
  public List<Claim> claims() {
    return List.of(Claim.againstOs("confidentiality-ram",
        "the kernel does not remap the HAP's pages (isolate refuses only a writable mapping of another HAP's frame)",
        "the HAP keeps its secrets in memory it protected (allocateSecure, or as-hap)",
        "swap slots are read back as written (isolate checks no tag or version)"));
  }

  @Override
  public int onContextSwitch(int vcpu, int pid) {
    return viewOf.getOrDefault(pid, 0);
  }

  @Override
  public boolean isProtected(int pid) {
    return viewOf.containsKey(pid);
  }

  private boolean inProtectedRange(int pid, long gva) {
    for (long[] r : ranges.getOrDefault(pid, List.of())) {
      if (gva >= r[0] && gva < r[1]) {
        return true;
      }
    }
    return false;
  }

  // ---- exits and I/O ------------------------------------------------------------------------------

  @Override
  public ExitAnswer onEptExit(EptExit exit) {
    long gfn = exit.gfn();
    if (exit.accessor() == EptExit.Accessor.USER) {
      Integer v = viewOf.get(exit.pid());
      if (v == null || exit.view().id() != v) {
        return ExitAnswer.DENY;
      }
      if (frames.frameOf(exit.cr3(), exit.gva()) != gfn) {
        // Not the page itself: a frame of the HAP's page tables the walk read, or another HAP's.
        if (owners.containsKey(gfn)) {
          return ExitAnswer.DENY;
        }
        hv.views().get(v).map(gfn, frames.hostFrame(gfn), X86.EPT_RWX);
        return ExitAnswer.RETRY;
      }
      long vpn = exit.gva() >>> X86.PAGE_SHIFT;
      // The HAP's own page tables map the frame: no owner is pruned here, since a process that
      // shares it copy-on-write may not have touched it yet.
      if (owners.containsKey(gfn) || inProtectedRange(exit.pid(), exit.gva())) {
        frames.claim(gfn, exit.pid(), vpn);
      } else {
        hv.views().get(v).map(gfn, frames.hostFrame(gfn), X86.EPT_RWX); // unprotected memory, shared with the OS
      }
      return ExitAnswer.RETRY;
    }
    if (!owners.containsKey(gfn)) {
      return ExitAnswer.DENY;
    }
    if (frames.prune(gfn)) {
      stale.add(1);
      return ExitAnswer.RETRY;
    }
    osDenied.add(1);
    return ExitAnswer.DENY;
  }

  private static String slot(String device, long block) {
    return device + ":" + block;
  }

  @Override
  public BlockIo.Answer onBlockIo(BlockIo io) {
    if (io.adversary()) {
      // The adversary's raw I/O and DMA: never of a bound slot, never to or from a HAP's frame.
      boolean hapFrame = io.firstGfn() >= 0 && owners.containsKey(io.firstGfn()) && !frames.prune(io.firstGfn());
      if (bindings.containsKey(slot(io.device(), io.block())) || hapFrame) {
        adversaryRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
      return BlockIo.Answer.PROCEED;
    }
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      String key = slot(io.device(), io.block() + i);
      boolean authorized = io.write() ? key.equals(authorizedOut.get(gfn)) : Long.valueOf(gfn).equals(authorizedIn.get(key));
      if (authorized) {
        continue;
      }
      if (owners.containsKey(gfn) && !frames.prune(gfn)) {
        dmaRefused.add(1);
        return BlockIo.Answer.REFUSE;
      }
      if (!io.write() && bindings.containsKey(key)) {
        dmaRefused.add(1); // the OS reading a HAP's swapped-out page into its own frame
        return BlockIo.Answer.REFUSE;
      }
    }
    for (int i = 0; i < io.count(); i++) {
      long gfn = io.firstGfn() + i;
      String key = slot(io.device(), io.block() + i);
      if (io.write()) {
        if (!key.equals(authorizedOut.remove(gfn))) {
          bindings.remove(key); // the slot now holds something else
        }
      } else {
        authorizedIn.remove(key);
      }
    }
    return BlockIo.Answer.PROCEED;
  }

  // ---- hypercalls ---------------------------------------------------------------------------------

  @Override
  public HypercallResult hypercall(Caller caller, Hypercall call) {
    int pid = caller.pid();
    if (call instanceof HapHypercalls.Register) {
      if (!viewOf.containsKey(pid)) {
        EptView view = hv.views().create("isolate-hap-" + pid);
        viewOf.put(pid, view.id());
        hv.setView(pid, view.id());
      }
      return new HypercallResult.Ok(viewOf.get(pid));
    }
    if (call instanceof HapHypercalls.Protect) {
      if (!viewOf.containsKey(pid)) {
        return new HypercallResult.Refused("process " + pid + " is not a registered HAP");
      }
      HapHypercalls.Protect p = (HapHypercalls.Protect) call;
      ranges.computeIfAbsent(pid, k -> new ArrayList<>()).add(new long[] {p.gva(), p.gva() + p.length()});
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.Interpose) {
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.SwapOutPage) {
      KernelHypercalls.SwapOutPage s = (KernelHypercalls.SwapOutPage) call;
      List<long[]> o = owners.get(s.gfn());
      if (o != null) {
        if (!Frames.has(o, s.pid())) {
          if (!frames.maps(s.pid(), s.vpn(), s.gfn())) {
            return new HypercallResult.Refused("frame " + s.gfn() + " does not hold page 0x" + Long.toHexString(s.vpn())
                + " of " + s.pid());
          }
          frames.claim(s.gfn(), s.pid(), s.vpn()); // shared copy-on-write, not yet touched by this HAP
        }
        String key = slot(s.device(), s.block());
        bindings.put(key, new long[] {s.pid(), s.vpn()});
        authorizedOut.put(s.gfn(), key);
      }
      swapOuts.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.SwapInPage) {
      KernelHypercalls.SwapInPage s = (KernelHypercalls.SwapInPage) call;
      String key = slot(s.device(), s.block());
      long[] b = bindings.get(key);
      if (b != null) {
        if (b[1] != s.vpn()) {
          hv.violation(s.pid(), "swap slot " + key + " holds page 0x" + Long.toHexString(b[1]) + ", not 0x"
              + Long.toHexString(s.vpn()));
          return new HypercallResult.Violation("slot " + key + " is bound to another page");
        }
        frames.claim(s.gfn(), s.pid(), s.vpn());
        authorizedIn.put(key, s.gfn());
      }
      swapIns.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.BlockCopy) {
      KernelHypercalls.BlockCopy c = (KernelHypercalls.BlockCopy) call;
      for (int k = 0; k < c.count(); k++) {
        long[] b = bindings.get(slot(c.device(), c.srcBlock() + k));
        if (b != null) {
          bindings.put(slot(c.device(), c.dstBlock() + k), b); // the page's binding moves with its bytes
        } else {
          bindings.remove(slot(c.device(), c.dstBlock() + k));
        }
      }
      blockCopies.add(c.count());
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.InstallPte) {
      KernelHypercalls.InstallPte i = (KernelHypercalls.InstallPte) call;
      if (!hv.processes().alive(i.pid())) {
        return new HypercallResult.Refused("process " + i.pid() + " is not running");
      }
      boolean huge = (i.pte() & X86.PTE_PS) != 0;
      long slot = frames.entryAddress(hv.processes().cr3(i.pid()), i.gva(), huge ? 2 : 1);
      if (slot < 0) {
        return new HypercallResult.Refused("no page table for 0x" + Long.toHexString(i.gva()));
      }
      boolean present = (i.pte() & X86.PTE_P) != 0;
      long first = ((huge ? i.pte() & X86.PTE_ADDR_2M : i.pte() & X86.PTE_ADDR)) >>> X86.PAGE_SHIFT;
      int count = huge ? 512 : 1;
      if (present && (i.pte() & X86.PTE_RW) != 0) {
        for (int k = 0; k < count; k++) {
          List<long[]> o = owners.get(first + k);
          if (o != null && !o.isEmpty() && !Frames.has(o, i.pid())) {
            installsRefused.add(1);
            return new HypercallResult.Refused("a writable mapping of frame " + (first + k) + ", another HAP's");
          }
        }
      }
      hv.memory().store64(frames.hostAddress(slot), i.pte());
      if (present && inProtectedRange(i.pid(), i.gva())) {
        for (int k = 0; k < count; k++) {
          frames.claim(first + k, i.pid(), (i.gva() >>> X86.PAGE_SHIFT) + k); // withheld from the OS as it is mapped
        }
      }
      installs.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.WriteUser) {
      KernelHypercalls.WriteUser w = (KernelHypercalls.WriteUser) call;
      long cr3 = hv.processes().alive(w.pid()) ? hv.processes().cr3(w.pid()) : -1;
      for (int done = 0; done < w.data().length; ) {
        long gva = w.gva() + done;
        long gfn = cr3 < 0 ? -1 : frames.frameOf(cr3, gva);
        if (gfn < 0) {
          return new HypercallResult.Refused("0x" + Long.toHexString(gva) + " is not mapped in " + w.pid());
        }
        int n = (int) Math.min(w.data().length - done, X86.PAGE_SIZE - (gva & X86.PAGE_MASK));
        hv.memory().write((frames.hostFrame(gfn) << X86.PAGE_SHIFT) | (gva & X86.PAGE_MASK), w.data(), done, n);
        done += n;
      }
      hv.charge(category, copyNanos * ((w.data().length + X86.PAGE_SIZE - 1) / X86.PAGE_SIZE));
      userWrites.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.WriteBackFilePage) {
      KernelHypercalls.WriteBackFilePage w = (KernelHypercalls.WriteBackFilePage) call;
      String key = slot(w.device(), w.block());
      bindings.put(key, new long[] {-1, w.offset() >>> X86.PAGE_SHIFT, w.inode()});
      if (owners.containsKey(w.gfn())) {
        fileFrames.add(w.gfn());
        authorizedOut.put(w.gfn(), key);
      }
      fileWriteBacks.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.ReadInFilePage) {
      KernelHypercalls.ReadInFilePage r = (KernelHypercalls.ReadInFilePage) call;
      String key = slot(r.device(), r.block());
      // The page arrives in a frame the OS can no longer read; the HAP's first touch makes it its own.
      frames.claimFilePage(r.gfn());
      authorizedIn.put(key, r.gfn());
      fileReadIns.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.CopyPage) {
      KernelHypercalls.CopyPage c = (KernelHypercalls.CopyPage) call;
      hv.memory().copyFrame(frames.hostFrame(c.srcGfn()), frames.hostFrame(c.dstGfn()));
      hv.charge(category, copyNanos);
      if (owners.containsKey(c.srcGfn())) {
        // The source stays claimed: others may map it still; it is released when the kernel frees it.
        frames.claim(c.dstGfn(), c.pid(), c.vpn());
      }
      copies.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.ZeroPage) {
      KernelHypercalls.ZeroPage z = (KernelHypercalls.ZeroPage) call;
      if (z.pid() >= 0) {
        frames.claim(z.gfn(), z.pid(), z.vpn());
      } else {
        frames.release(z.gfn());
      }
      hv.memory().zeroFrame(frames.hostFrame(z.gfn()));
      hv.charge(category, scrubNanos);
      zeroes.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.ReleasePage) {
      KernelHypercalls.ReleasePage r = (KernelHypercalls.ReleasePage) call;
      List<long[]> o = owners.get(r.gfn());
      if (o != null && r.pid() >= 0) {
        o.removeIf(owner -> owner[0] == r.pid());
      }
      fileFrames.remove(r.gfn()); // the kernel freed the cache frame: nothing of the file is left in it
      frames.prune(r.gfn());
      releases.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.SharePages) {
      KernelHypercalls.SharePages s = (KernelHypercalls.SharePages) call;
      if (owners.containsKey(s.keepGfn()) != owners.containsKey(s.dropGfn())) {
        // Merging would make unprotected memory (a bounce buffer) protected, or the reverse.
        return new HypercallResult.Refused("one of the pages is protected and the other is not");
      }
      byte[] a = new byte[X86.PAGE_SIZE];
      byte[] b = new byte[X86.PAGE_SIZE];
      hv.memory().read(frames.hostFrame(s.keepGfn()) << X86.PAGE_SHIFT, a, 0, a.length);
      hv.memory().read(frames.hostFrame(s.dropGfn()) << X86.PAGE_SHIFT, b, 0, b.length);
      hv.charge(category, 2 * copyNanos);
      if (!java.util.Arrays.equals(a, b)) {
        return new HypercallResult.Refused("the pages differ");
      }
      List<long[]> dropOwners = owners.getOrDefault(s.dropGfn(), List.of());
      for (long[] owner : dropOwners) {
        frames.claim(s.keepGfn(), (int) owner[0], owner[1]);
      }
      frames.release(s.dropGfn());
      shares.add(1);
      return HypercallResult.ok();
    }
    if (call instanceof KernelHypercalls.MovePage) {
      KernelHypercalls.MovePage m = (KernelHypercalls.MovePage) call;
      hv.memory().copyFrame(frames.hostFrame(m.srcGfn()), frames.hostFrame(m.dstGfn()));
      hv.charge(category, copyNanos);
      List<long[]> o = owners.get(m.srcGfn());
      if (o != null) {
        for (long[] owner : o) {
          frames.claim(m.dstGfn(), (int) owner[0], owner[1]);
        }
        frames.release(m.srcGfn());
      }
      moves.add(1);
      return HypercallResult.ok();
    }
    return new HypercallResult.Refused("isolate offers no hypercall '" + call.name() + "'");
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  @Override
  public void processExited(int pid) {
    // Its frames stay claimed until the kernel frees them (a release) or touches them with no owner
    // left: a child it forked may map one it never touched.
    for (List<long[]> o : owners.values()) {
      o.removeIf(owner -> owner[0] == pid);
    }
    viewOf.remove(pid);
    ranges.remove(pid);
  }

  @Override
  public void guestCrashed() {
    frames.releaseAll();
    viewOf.clear();
    ranges.clear();
    bindings.clear();
    authorizedIn.clear();
    authorizedOut.clear();
  }
}
