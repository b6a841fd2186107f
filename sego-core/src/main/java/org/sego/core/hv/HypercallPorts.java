package org.sego.core.hv;

import java.util.Map;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hypercall.Caller;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.HapHypercall;
import org.sego.api.hypercall.HapHypercalls;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hypercall.Hypercalls;
import org.sego.api.hypercall.KernelHypercall;
import org.sego.api.hypercall.KernelHypercalls;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.StatsSink;
import org.sego.core.sim.Simulation;

/**
 * The hypervisor's hypercall ports (the kernel's, and one per process) and the dispatch behind
 * them: each call charged as one exit (a batch's calls one by one, up to the first not done), the
 * port checked (a HAP's call on the kernel's port is refused, and the reverse), the shell's own
 * answers ({@code is-hap}, a library's failed check) given, the rest passed to the strategy, and the
 * EPT changes the strategy made charged after each.
 */
final class HypercallPorts {
  private final Simulation sim;
  private final ProtectionStrategy strategy;
  private final StrategyServices services;
  private final long hypercallNanos;
  private final Runnable chargeEptChanges;
  /** The virtual devices, made when the machine starts (after the ports). */
  private final java.util.function.Supplier<BlockDevices> blocks;
  private final StatsSink.Counter hypercalls;
  private final StatsSink.Counter refused;
  private final StatsSink.Counter batched;
  private final StatsSink.Counter wrongPort;

  HypercallPorts(Simulation sim, ProtectionStrategy strategy, StrategyServices services, CostProfile cost,
      Runnable chargeEptChanges, java.util.function.Supplier<BlockDevices> blocks) {
    this.sim = sim;
    this.strategy = strategy;
    this.services = services;
    this.hypercallNanos = cost.duration(CostProfile.HV_HYPERCALL).nanos();
    this.chargeEptChanges = chargeEptChanges;
    this.blocks = blocks;
    StatsSink s = sim.stats();
    hypercalls = s.counter("system.hv.hypercalls", "calls", "hypercalls dispatched to the strategy");
    refused = s.counter("system.hv.hypercalls-refused", "calls", "hypercalls the strategy or the shell refused");
    batched = s.counter("system.hv.hypercalls-batched", "calls", "kernel hypercalls sent inside batches (one exit per batch)");
    wrongPort = s.counter("system.hv.hypercalls-wrong-port", "calls",
        "HAP hypercalls sent on the kernel's port, or kernel hypercalls on a process's, refused by the shell");
  }

  /** The kernel's hypercall port: the caller is the kernel, on behalf of the process it runs for. */
  Hypercalls kernelPort() {
    return new Port(Caller.Mode.KERNEL, -1);
  }

  /** Process {@code pid}'s own hypercall port (a HAP's trusted library calls through it). */
  Hypercalls processPort(int pid) {
    return new Port(Caller.Mode.HAP, pid);
  }

  private final class Port implements Hypercalls {
    private final Caller.Mode mode;
    private final int pid;

    /** The caller of the last call, reused while the pid stays. */
    private Caller last;

    Port(Caller.Mode mode, int pid) {
      this.mode = mode;
      this.pid = pid;
    }

    @Override
    public HypercallResult call(Hypercall call) {
      int who = mode == Caller.Mode.KERNEL ? sim.currentPid() : pid;
      Caller caller = last;
      if (caller == null || caller.pid() != who) {
        caller = last = new Caller(mode, who); // (a record: the same caller is shared, call after call)
      }
      HypercallResult r = dispatch(caller, call);
      if (mode == Caller.Mode.HAP && services.halted(pid) && sim.currentPid() == pid) {
        // A violation on the HAP's own call: it halts before it uses the answer.
        throw sim.exitCurrent(StrategyServices.HALT_STATUS);
      }
      return r;
    }

    @Override
    public org.sego.api.hypercall.Capabilities capabilities() {
      return kernelCapabilities();
    }
  }

  private org.sego.api.hypercall.Capabilities capabilities;

  /**
   * What the strategy offers, with its handling of every kernel write into user memory (asked once
   * per path through {@code userWriteHandling}): constant for the run, so built once.
   */
  org.sego.api.hypercall.Capabilities kernelCapabilities() {
    if (capabilities == null) {
      java.util.Map<org.sego.api.guest.KernelUserWrite, org.sego.api.guest.KernelUserWrite.Handling> w =
          new java.util.EnumMap<>(org.sego.api.guest.KernelUserWrite.class);
      for (org.sego.api.guest.KernelUserWrite path : org.sego.api.guest.KernelUserWrite.values()) {
        w.put(path, strategy.userWriteHandling(path));
      }
      capabilities = strategy.capabilities().withUserWrites(w);
    }
    return capabilities;
  }

  private HypercallResult dispatch(Caller caller, Hypercall call) {
    sim.charge(CostCategory.HYPERCALL, Principal.HV, hypercallNanos);
    hypercalls.add(1);
    if (caller.kernel() && call instanceof KernelHypercalls.Batch && strategy.capabilities().offers(Capabilities.BATCH)) {
      java.util.List<KernelHypercall> calls = ((KernelHypercalls.Batch) call).calls();
      batched.add(calls.size());
      for (int n = 0; n < calls.size(); n++) {
        KernelHypercall c = calls.get(n);
        HypercallResult r;
        if (c instanceof KernelHypercalls.Batch || c instanceof KernelHypercalls.IsHap) {
          refused.add(1);
          r = new HypercallResult.Refused("'" + c.name() + "' cannot be batched");
        } else {
          r = handle(caller, c);
        }
        if (!(r instanceof HypercallResult.Ok)) {
          return n == 0 ? r : new HypercallResult.Ok(n);
        }
      }
      return new HypercallResult.Ok(calls.size());
    }
    return handle(caller, call);
  }

  /** One hypercall's work, its exit charged by the caller. */
  private HypercallResult handle(Caller caller, Hypercall call) {
    HypercallResult r;
    if (caller.kernel() && call instanceof HapHypercall) {
      wrongPort.add(1);
      r = new HypercallResult.Refused("'" + call.name() + "' is a HAP's hypercall: the kernel's port cannot send it");
    } else if (!caller.kernel() && call instanceof KernelHypercall) {
      wrongPort.add(1);
      r = new HypercallResult.Refused("'" + call.name() + "' is the kernel's hypercall: a process's port cannot send it");
    } else if (call instanceof KernelHypercalls.IsHap) {
      r = new HypercallResult.Ok(services.processes().isHap(((KernelHypercalls.IsHap) call).pid()) ? 1 : 0);
    } else if (call instanceof HapHypercalls.ReportFailedCheck) {
      HapHypercalls.ReportFailedCheck f = (HapHypercalls.ReportFailedCheck) call;
      services.violation(caller.pid(), "trusted library check " + f.check() + " failed: " + f.evidence());
      r = new HypercallResult.Violation(f.check() + ": " + f.evidence());
    } else {
      r = strategy.hypercall(caller, call);
      chargeEptChanges.run();
      if (r instanceof HypercallResult.Violation) {
        // A HAP's own call halts it; for the kernel's, the strategy names the HAP concerned itself
        // (HypervisorServices.violation): the process the kernel ran for may be a bystander.
        services.violation(caller.kernel() ? -1 : caller.pid(),
            "hypercall " + call.name() + " from the " + caller.mode().name().toLowerCase(java.util.Locale.ROOT) + ": "
            + ((HypercallResult.Violation) r).evidence());
      } else if (r instanceof HypercallResult.Ok && call instanceof HapHypercalls.Register) {
        services.registered(caller.pid());
      } else if (r instanceof HypercallResult.Ok && call instanceof KernelHypercalls.BlockCopy) {
        // The strategy moved the tags; the virtual device moves the bytes.
        KernelHypercalls.BlockCopy c = (KernelHypercalls.BlockCopy) call;
        if (!blocks.get().hypervisorCopy(c.device(), c.srcBlock(), c.dstBlock(), c.count())) {
          r = new HypercallResult.Refused("block copy " + c.srcBlock() + " -> " + c.dstBlock() + " x" + c.count()
              + " is outside guest device '" + c.device() + "'");
        }
      }
    }
    if (r instanceof HypercallResult.Refused) {
      refused.add(1);
    }
    if (sim.trace().on) {
      sim.trace().record(sim.nowNanos(), sim.currentCpu(), "system.hv", "hypercall",
          Map.of("call", call.name(), "mode", caller.mode().name(), "pid", caller.pid(), "result", r.getClass().getSimpleName()));
    }
    return r;
  }
}
