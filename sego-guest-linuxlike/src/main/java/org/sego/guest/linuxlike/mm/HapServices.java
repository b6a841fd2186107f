package org.sego.guest.linuxlike.mm;

import java.util.HashMap;
import java.util.Map;
import org.sego.api.guest.KernelPorts;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.KernelHypercall;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.StatsSink;

/**
 * The kernel's side of the hypervisor's services: what the strategy offers (read once), which
 * processes are HAPs (asked once each, {@code is-hap}), and the one way the kernel sends a service
 * hypercall, counted by name under {@code system.guest.hypercalls} (refusals as {@code
 * <name>-refused}). Under a strategy that offers nothing, nothing here sends anything.
 */
public final class HapServices {
  private final KernelPorts ports;
  private final Capabilities caps;
  private final Map<Integer, AddressSpace> spaces;
  private final FrameTable frames;
  private final PageTables tables;
  private final Map<String, StatsSink.Counter> sent = new HashMap<>();
  private final Map<String, StatsSink.Counter> refused = new HashMap<>();
  /** Whether the strategy offers anything, and the services every fault and swap asks about (a set lookup each time showed in profiles). */
  private final boolean any;
  final boolean swap;
  final boolean pageTables;
  final boolean batch;
  final boolean release;
  final boolean swapFolded;

  HapServices(KernelPorts ports, Map<Integer, AddressSpace> spaces, FrameTable frames, PageTables tables) {
    this.ports = ports;
    this.caps = ports.hypercalls().capabilities();
    this.spaces = spaces;
    this.frames = frames;
    this.tables = tables;
    any = !caps.services().isEmpty();
    swap = caps.offers(Capabilities.SWAP);
    pageTables = caps.offers(Capabilities.PAGE_TABLES);
    batch = caps.offers(Capabilities.BATCH);
    release = caps.offers(Capabilities.RELEASE);
    swapFolded = caps.offers(Capabilities.SWAP_FOLDED) && pageTables;
  }

  public Capabilities capabilities() {
    return caps;
  }

  /** Whether the strategy offers {@code service} (a {@link Capabilities} name). */
  public boolean offers(String service) {
    return caps.offers(service);
  }

  /**
   * Whether {@code as} belongs to a HAP, whose pages the kernel must not touch when the strategy
   * offers services for them: asked once ({@code is-hap}), inherited at fork; never asked when the
   * strategy offers nothing.
   */
  boolean hapSpace(AddressSpace as) {
    if (as == null || !any) {
      return false;
    }
    if (as.hap < 0) {
      HypercallResult r = ports.hypercalls().call(new KernelHypercalls.IsHap(as.pid));
      as.hap = r instanceof HypercallResult.Ok && ((HypercallResult.Ok) r).value() == 1 ? 1 : 0;
    }
    return as.hap == 1;
  }

  boolean hapPid(int pid) {
    return hapSpace(spaces.get(pid));
  }

  /** Whether anonymous frame {@code f} holds a page of a HAP (by its flag or its mappings). */
  boolean hapFrame(long f) {
    if (frames.has(f, FrameTable.HAP)) {
      return true;
    }
    for (int i = 0, n = frames.ownerCount(f); i < n; i++) {
      if (hapPid(FrameTable.ownerPid(frames.owner(f, i)))) {
        return true;
      }
    }
    return false;
  }

  /** Sends a service hypercall, counted; true when it was done. */
  public boolean done(Hypercall call) {
    return call(call) instanceof HypercallResult.Ok;
  }

  /**
   * Sends {@code calls}, each counted by name as {@link #call} does: in batches (one exit each) when
   * the strategy offers them, else one by one. {@code done[i]}: call {@code i} was done. A call the
   * hypervisor did not do ends its batch; the calls after it go in the next one.
   */
  public boolean[] doneEach(java.util.List<KernelHypercall> calls) {
    boolean[] done = new boolean[calls.size()];
    if (!batch || calls.size() < 2) {
      for (int i = 0; i < done.length; i++) {
        done[i] = done(calls.get(i));
      }
      return done;
    }
    for (int from = 0; from < calls.size(); ) {
      int n = batch(calls.subList(from, calls.size()));
      for (int i = from; i < from + n; i++) {
        done[i] = true;
      }
      from += n + 1;
    }
    return done;
  }

  /**
   * Sends {@code calls} in order until the first the hypervisor does not do (one exit when it offers
   * batches), each counted by name as {@link #call} does; returns how many were done.
   */
  public int doneInOrder(java.util.List<KernelHypercall> calls) {
    if (!batch || calls.size() < 2) {
      int n = 0;
      while (n < calls.size() && done(calls.get(n))) {
        n++;
      }
      return n;
    }
    return batch(calls);
  }

  /** One batch: how many of {@code calls} were done (the one after them, if any, ended it; the rest were not attempted). */
  private int batch(java.util.List<KernelHypercall> calls) {
    HypercallResult r = ports.hypercalls().call(new KernelHypercalls.Batch(calls));
    int n = r instanceof HypercallResult.Ok ? (int) ((HypercallResult.Ok) r).value() : 0;
    for (int i = 0; i < n; i++) {
      count(calls.get(i).name());
    }
    if (n < calls.size()) {
      count(calls.get(n).name());
      refusedCounter(calls.get(n).name()).add(1);
    }
    return n;
  }

  private void count(String name) {
    StatsSink.Counter c = sent.get(name);
    if (c == null) { // (looked up, not computeIfAbsent: a capturing lambda per hypercall)
      c = ports.stats().counter("system.guest.hypercalls." + name, "calls",
          "'" + name + "' hypercalls the kernel sent for a HAP's page or secure file");
      sent.put(name, c);
    }
    c.add(1);
  }

  private StatsSink.Counter refusedCounter(String name) {
    return refused.computeIfAbsent(name, n -> ports.stats().counter("system.guest.hypercalls." + n + "-refused", "calls",
        "'" + n + "' hypercalls the hypervisor refused or found a violation in (the service was skipped)"));
  }

  /** Sends a service hypercall, counted by name; a refusal or violation counted too. */
  public HypercallResult call(Hypercall call) {
    String name = call.name();
    count(name);
    HypercallResult r = ports.hypercalls().call(call);
    if (!(r instanceof HypercallResult.Ok)) {
      refusedCounter(name).add(1);
    }
    return r;
  }


  /**
   * Writes the leaf entry {@code pte} (4 KiB, or 2 MiB with {@code PTE_PS}) mapping {@code gva} of
   * {@code as} at {@code slot}: for a HAP, through the hypervisor when it offers page tables (a
   * HAP's page tables are the hypervisor's to change). False when it refused: nothing was installed.
   */
  boolean installPte(AddressSpace as, long gva, long slot, long pte) {
    if (hapSpace(as) && pageTables) {
      return done(new KernelHypercalls.InstallPte(as.pid, gva, pte));
    }
    tables.write(slot, pte);
    return true;
  }
}
