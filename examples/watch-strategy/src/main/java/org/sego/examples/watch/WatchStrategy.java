package org.sego.examples.watch;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
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
import org.sego.api.hypercall.HapHypercall;
import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.sim.StatsSink;

/**
 * Integrity of a HAP's protected memory against kernel writes, and nothing more: each HAP runs in an
 * EPT view of its own (guest memory mapped one-to-one with 2 MiB entries); at each of its system
 * calls the hypervisor walks the HAP's page tables over its protected ranges and write-protects the
 * frames it finds in the OS's view. A kernel write to such a frame while the HAP still maps it is a
 * violation; to a frame the HAP no longer maps (it was swapped out and reused), the frame is
 * released and the write retried. The kernel may still read everything: no confidentiality claim.
 *
 * <p>Everything it uses comes from {@link HypervisorServices}: the walk is charged per entry read
 * ({@code mem.walk-step} of the profile) to a category it registers, {@code watch.scan}; its
 * counters live under its path; it keeps {@link #totalWatched} across a guest crash (the instance
 * survives) and loses it at a power failure (a fresh instance recovers with nothing durable).
 */
final class WatchStrategy implements ProtectionStrategy {
  /** The strategy's own hypercall: a HAP asks how many frames the hypervisor has watched since it (this instance) started. */
  record WatchedFrames() implements HapHypercall {
    @Override
    public String name() {
      return "watch-frames";
    }
  }

  /** A watched frame's owner and the page it held when found. */
  private record Owner(int pid, long gvaPage) {}

  private final HypervisorServices hv;
  private final boolean checkKernelWrites;
  private final int scanCategory;
  private final long walkStepNanos;
  private final StatsSink.Counter exits;
  private final StatsSink.Counter hypercalls;
  private final StatsSink.Counter watchedNow;
  private final StatsSink.Counter released;
  private final StatsSink.Counter guestCrashes;
  private final StatsSink.Counter recoveries;
  private final Map<Integer, Integer> viewOfHap = new TreeMap<>();
  private final Map<Integer, List<long[]>> ranges = new TreeMap<>();
  private final Map<Long, Owner> watched = new TreeMap<>();
  /** Frames watched since this instance started: kept across a guest crash, lost at a power failure. */
  private long totalWatched;

  @Inject
  WatchStrategy(HypervisorServices hv, WatchSettings settings) {
    this.hv = hv;
    this.checkKernelWrites = settings.checkKernelWrites();
    this.scanCategory = hv.category("watch.scan");
    this.walkStepNanos = hv.costs().duration(CostProfile.MEM_WALK_STEP).nanos();
    String p = hv.path();
    StatsSink s = hv.stats();
    exits = s.counter(p + ".exits", "exits", "EPT exits the watch strategy handled");
    hypercalls = s.counter(p + ".hypercalls", "calls", "hypercalls the watch strategy answered");
    watchedNow = s.counter(p + ".frames-watched", "frames", "frames write-protected from the OS");
    released = s.counter(p + ".frames-released", "frames", "watched frames the HAP no longer mapped, released");
    guestCrashes = s.counter(p + ".guest-crashes", "crashes", "guest crashes this instance survived");
    recoveries = s.counter(p + ".recoveries", "recoveries", "times a fresh instance recovered after a power failure");
  }

  @Override
  public String name() {
    return "watch";
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.none();
  }

  @Override
  public List<Claim> claims() {
    // Claimed as a real strategy would, with what it rests on: watch checks the kernel's writes, not
    // its page-table changes, so a remapping attack shows this claim violated (as the matrix should).
    return List.of(Claim.againstOs("integrity", "the kernel changes HAP memory only by writing it through its view",
        "the kernel does not remap the HAP's pages (watch does not check mappings)"));
  }

  @Override
  public List<Check> checks() {
    return List.of(new Check("kernel-write", "check-kernel-writes",
        "a kernel write to a frame the HAP maps in a protected range is a violation"));
  }

  @Override
  public int onContextSwitch(int vcpu, int pid) {
    return viewOfHap.getOrDefault(pid, 0);
  }

  @Override
  public HypercallResult hypercall(Caller caller, Hypercall call) {
    hypercalls.add(1);
    int pid = caller.pid();
    if (call instanceof HapHypercalls.Register) {
      EptView view = hv.views().create("watch-hap-" + pid);
      long frames = hv.guestFrames();
      for (long gfn = 0; gfn + 512 <= frames; gfn += 512) {
        view.mapLarge(gfn, gfn, X86.EPT_RWX);
      }
      for (long gfn = frames / 512 * 512; gfn < frames; gfn++) {
        view.map(gfn, gfn, X86.EPT_RWX);
      }
      viewOfHap.put(pid, view.id());
      hv.setView(pid, view.id());
      return new HypercallResult.Ok(view.id());
    }
    if (!viewOfHap.containsKey(pid)) {
      return new HypercallResult.Refused("process " + pid + " is not a registered HAP");
    }
    if (call instanceof HapHypercalls.Protect) {
      HapHypercalls.Protect p = (HapHypercalls.Protect) call;
      ranges.computeIfAbsent(pid, k -> new ArrayList<>()).add(new long[] {p.gva(), p.gva() + p.length()});
      return HypercallResult.ok();
    }
    if (call instanceof HapHypercalls.Interpose) {
      scan(pid);
      return HypercallResult.ok();
    }
    if (call instanceof WatchedFrames) {
      return new HypercallResult.Ok(totalWatched);
    }
    return new HypercallResult.Refused("watch offers no hypercall '" + call.name() + "'");
  }

  /** Walks {@code pid}'s page tables over its protected ranges and write-protects what is mapped. */
  private void scan(int pid) {
    long cr3 = hv.processes().cr3(pid);
    for (long[] r : ranges.getOrDefault(pid, List.of())) {
      for (long page = r[0] & ~X86.PAGE_MASK; page < r[1]; page += X86.PAGE_SIZE) {
        long gfn = frameOf(cr3, page);
        if (gfn >= 0 && !watched.containsKey(gfn)) {
          watched.put(gfn, new Owner(pid, page));
          hv.views().os().setPermissions(gfn, X86.EPT_R | X86.EPT_X);
          watchedNow.add(1);
          totalWatched++;
        }
      }
    }
  }

  /** The guest frame mapping {@code gva} in the tables at {@code cr3}, or -1; each entry read is charged. */
  private long frameOf(long cr3, long gva) {
    long table = cr3 & X86.PTE_ADDR;
    for (int level = 4; level >= 1; level--) {
      hv.charge(scanCategory, walkStepNanos);
      long slot = table + 8L * X86.tableIndex(gva, level);
      long e = hv.memory().load64(hostAddress(slot));
      if ((e & X86.PTE_P) == 0) {
        return -1;
      }
      if (level == 2 && (e & X86.PTE_PS) != 0) {
        return ((e & X86.PTE_ADDR_2M) >>> X86.PAGE_SHIFT) + ((gva >>> X86.PAGE_SHIFT) & 511);
      }
      if (level == 1) {
        return (e & X86.PTE_ADDR) >>> X86.PAGE_SHIFT;
      }
      table = e & X86.PTE_ADDR;
    }
    return -1;
  }

  /** Guest-physical to host-physical, as the OS view maps it (whatever its permissions). */
  private long hostAddress(long gpa) {
    long e = hv.views().os().entry(gpa >>> X86.PAGE_SHIFT);
    return (e & X86.PTE_ADDR) | (gpa & X86.PAGE_MASK);
  }

  @Override
  public ExitAnswer onEptExit(EptExit exit) {
    exits.add(1);
    Owner owner = watched.get(exit.gfn());
    if (owner == null || exit.accessor() != EptExit.Accessor.KERNEL || !exit.write()) {
      return ExitAnswer.DENY;
    }
    boolean stillMapped = hv.processes().alive(owner.pid())
        && frameOf(hv.processes().cr3(owner.pid()), owner.gvaPage()) == exit.gfn();
    if (stillMapped && checkKernelWrites) {
      hv.violation(owner.pid(), "the kernel wrote frame 0x" + Long.toHexString(exit.gfn()) + ", page 0x"
          + Long.toHexString(owner.gvaPage()) + " of HAP " + owner.pid() + "'s protected memory");
      return ExitAnswer.DENY;
    }
    release(exit.gfn());
    return ExitAnswer.RETRY;
  }

  private void release(long gfn) {
    watched.remove(gfn);
    hv.views().os().setPermissions(gfn, X86.EPT_RWX);
    released.add(1);
  }

  @Override
  public void processExited(int pid) {
    for (Long gfn : new ArrayList<>(watched.keySet())) {
      if (watched.get(gfn).pid() == pid) {
        release(gfn);
      }
    }
    ranges.remove(pid);
    viewOfHap.remove(pid);
  }

  @Override
  public void guestCrashed() {
    guestCrashes.add(1);
    for (Long gfn : new ArrayList<>(watched.keySet())) {
      release(gfn);
    }
    ranges.clear();
    viewOfHap.clear();
  }

  @Override
  public void recover() {
    // Nothing of watch is durable: a fresh instance starts from nothing, and says so.
    recoveries.add(1);
  }
}
