package org.sego.core.hv;

import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
import org.sego.api.guest.BlockQueue;
import org.sego.api.hypercall.Hypercalls;
import org.sego.api.guest.OsView;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.hypercall.Hypercall;
import org.sego.api.hypercall.HypercallResult;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hw.DeviceModel;
import org.sego.api.hw.EptView;
import org.sego.api.hw.EptViews;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.X86;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.Registers;
import org.sego.api.sim.StatsSink;
import org.sego.core.compose.SystemSpec;
import org.sego.core.sim.Simulation;
import org.sego.support.RandomStreams;

/**
 * The hypervisor shell: the only place where host objects meet the guest's requests. It does what
 * the strategy asks and no more: EPT violations, hypercalls, DMA mediation and register scrubbing
 * all go through the strategy; under {@code none} nothing is scrubbed or mediated.
 */
public final class HypervisorShell {
  private final PhysicalMemory memory;
  private final EptViews views;
  private final ProtectionStrategy strategy;
  private final Simulation sim;
  private final long vmexitNanos;
  private final long hypercallNanos;
  private final long copyPageNanos;
  private final long zeroPageNanos;
  private final IntentRegistry intents;
  private final OsMemoryView osView;
  private final Map<String, DeviceModel> devices;
  private final VolumeSet volumes;
  private BlockDevices blocks;
  private final Map<Integer, long[]> savedRegisters = new TreeMap<>();
  private final java.util.List<String> violationLog = new java.util.ArrayList<>();
  private final StatsSink.Counter exits;
  private final StatsSink.Counter hypercalls;
  private final StatsSink.Counter refused;
  private final StatsSink.Counter violations;
  private final StatsSink.Counter scrubs;
  private final StatsSink.Counter registerWritesRefused;

  @Inject
  HypervisorShell(PhysicalMemory memory, EptViews views, ProtectionStrategy strategy, Simulation sim,
      CostProfile cost, SystemSpec spec, Map<String, DeviceModel> devices, VolumeSet volumes) {
    this.memory = memory;
    this.views = views;
    this.strategy = strategy;
    this.sim = sim;
    this.vmexitNanos = cost.duration(CostProfile.HV_VMEXIT).nanos();
    this.hypercallNanos = cost.duration(CostProfile.HV_HYPERCALL).nanos();
    this.copyPageNanos = cost.bandwidth(CostProfile.CPU_COPY).nanosFor(X86.PAGE_SIZE);
    this.zeroPageNanos = cost.bandwidth(CostProfile.CPU_ZERO).nanosFor(X86.PAGE_SIZE);
    this.intents = new IntentRegistry(RandomStreams.derive(spec.seed(), "system.hv.intents"));
    long guestFrames = spec.system().dataSize("memory").bytes() >>> X86.PAGE_SHIFT;
    this.osView = new OsMemoryView(this, memory, views.os(), guestFrames);
    this.devices = devices;
    this.volumes = volumes;
    StatsSink s = sim.stats();
    exits = s.counter("system.hv.ept-violations", "exits", "EPT violations handled by the hypervisor");
    hypercalls = s.counter("system.hv.hypercalls", "calls", "hypercalls dispatched to the strategy");
    refused = s.counter("system.hv.hypercalls-refused", "calls", "hypercalls the strategy refused");
    violations = s.counter("system.hv.violations", "events", "violations raised by the strategy");
    scrubs = s.counter("system.hv.register-scrubs", "switches", "kernel entries whose registers were saved and scrubbed");
    registerWritesRefused = s.counter("system.hv.register-writes-refused", "writes",
        "kernel writes to a protected process's registers, refused");
  }

  public ProtectionStrategy strategy() {
    return strategy;
  }

  public OsView osView() {
    return osView;
  }

  /** Opens the volumes and connects them to the devices: the first thing a started run does. */
  public void start() {
    if (blocks != null) {
      throw new IllegalStateException("the hypervisor shell is already started");
    }
    volumes.start();
    blocks = new BlockDevices(sim, memory, views, strategy, devices, volumes.volumes());
  }

  public BlockQueue blockQueue() {
    if (blocks == null) {
      throw new IllegalStateException("the hypervisor shell is not started");
    }
    return blocks;
  }

  public MappingIntents intents() {
    return intents;
  }

  public PhysicalMemory memory() {
    return memory;
  }

  /** The EPT view process {@code pid} runs in. */
  public EptView viewOf(int pid) {
    return views.get(strategy.viewOf(pid));
  }

  void charge(int category, int principal, long nanos) {
    sim.charge(category, principal, nanos);
  }

  long copyPageNanos() {
    return copyPageNanos;
  }

  long zeroPageNanos() {
    return zeroPageNanos;
  }

  /** An access through {@code view} exited to the hypervisor; true if the strategy let it retry. */
  public boolean eptViolation(EptView view, long gfn, int qualification) {
    sim.charge(CostCategory.VMEXIT, Principal.HV, vmexitNanos);
    exits.add(1);
    if (sim.trace().on) {
      sim.trace().record(sim.nowNanos(), sim.currentCpu(), "system.hv", "ept-violation",
          Map.of("view", view.id(), "gfn", gfn, "qualification", qualification));
    }
    return strategy.onEptViolation(view, gfn, qualification);
  }

  /** The guest's hypercall port. */
  public Hypercalls hypercallPort() {
    return new Hypercalls() {
      @Override
      public HypercallResult call(Hypercall call) {
        sim.charge(CostCategory.HYPERCALL, Principal.HV, hypercallNanos);
        hypercalls.add(1);
        HypercallResult r = strategy.hypercall(sim.currentPid(), call);
        if (r instanceof HypercallResult.Refused) {
          refused.add(1);
        } else if (r instanceof HypercallResult.Violation) {
          violations.add(1);
          violationLog.add(sim.nowNanos() + " ns: " + call.name() + ": " + ((HypercallResult.Violation) r).evidence());
        }
        if (sim.trace().on) {
          sim.trace().record(sim.nowNanos(), sim.currentCpu(), "system.hv", "hypercall",
              Map.of("call", call.name(), "result", r.getClass().getSimpleName()));
        }
        return r;
      }

      @Override
      public Capabilities capabilities() {
        return strategy.capabilities();
      }
    };
  }

  /** Kernel entry from process {@code pid}: saves and scrubs its registers if the strategy protects it. */
  public void kernelEntry(int pid, long[] registers) {
    if (!strategy.isProtected(pid)) {
      return;
    }
    sim.charge(CostCategory.VMEXIT, Principal.HV, vmexitNanos);
    savedRegisters.put(pid, registers.clone());
    Arrays.fill(registers, 0, Registers.RIP, 0L);
    scrubs.add(1);
  }

  /** Kernel exit to process {@code pid}: restores what {@link #kernelEntry} saved. */
  public void kernelExit(int pid, long[] registers) {
    long[] saved = savedRegisters.remove(pid);
    if (saved != null) {
      sim.charge(CostCategory.VMEXIT, Principal.HV, vmexitNanos);
      System.arraycopy(saved, 0, registers, 0, Registers.COUNT);
    }
  }

  /**
   * A copy of process {@code pid}'s register file for the kernel: never the live array, and with
   * the general-purpose registers zeroed when the strategy protects the process (the kernel of a
   * protected process sees what the hypervisor leaves it, at entry or while the process is
   * preempted).
   */
  public long[] registersForKernel(int pid, long[] live) {
    long[] copy = live.clone();
    if (strategy.isProtected(pid)) {
      Arrays.fill(copy, 0, Registers.RIP, 0L);
    }
    return copy;
  }

  /**
   * The kernel sets process {@code pid}'s registers (a new stack, a fork's child, a signal frame).
   * Refused, and counted, for a process the strategy protects: its registers are the hypervisor's
   * to restore.
   */
  public void registersFromKernel(int pid, long[] live, long[] values) {
    if (values.length != Registers.COUNT) {
      throw new IllegalArgumentException("a register file has " + Registers.COUNT + " entries, not " + values.length);
    }
    if (strategy.isProtected(pid)) {
      registerWritesRefused.add(1);
      return;
    }
    System.arraycopy(values, 0, live, 0, Registers.COUNT);
  }

  /** Violations raised so far, each with its time and evidence. */
  public java.util.List<String> violations() {
    return java.util.List.copyOf(violationLog);
  }

  /** End-of-run stats. */
  public void finish() {
    blocks.finish(sim.completionNanos());
    sim.stats().set("system.memory.resident-frames", "frames", "host frames holding bytes at the end",
        memory.residentFrames());
  }
}
