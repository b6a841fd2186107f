package org.sego.core.hv;

import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostProfile;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.OsView;
import org.sego.api.hv.EptExit;
import org.sego.api.hv.ExitAnswer;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hw.DeviceModel;
import org.sego.api.hw.EptView;
import org.sego.api.hw.EptViews;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.X86;
import org.sego.api.hypercall.Hypercalls;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.Principal;
import org.sego.api.sim.Registers;
import org.sego.api.sim.StatsSink;
import org.sego.core.compose.SystemSpec;
import org.sego.core.sim.Simulation;

/**
 * The hypervisor shell: the only place where host objects meet the guest's requests. It does what
 * the strategy asks and no more: EPT exits, hypercalls, DMA mediation and register scrubbing all go
 * through the strategy; under {@code none} nothing is scrubbed or mediated. The strategy runs only
 * at an exit, a hypercall, DMA, a context switch, a process's exit and the lifecycle steps; the EPT
 * view a vCPU runs in is cached here from the strategy's answer at the last switch. Its hypercall
 * ports and their dispatch are {@link HypercallPorts}; the virtual devices {@link BlockDevices}.
 */
public final class HypervisorShell {
  private final PhysicalMemory memory;
  private final EptViews views;
  private final Mmu mmu;
  private final ProtectionStrategy strategy;
  private final StrategyServices services;
  private final Simulation sim;
  private final long vmexitNanos;
  private final long copyPageNanos;
  private final long zeroPageNanos;
  private final long invalidationNanos;
  private final long splinterNanos;
  private final MappingIntents intents;
  private final OsMemoryView osView;
  private final Map<String, DeviceModel> devices;
  private final VolumeSet volumes;
  private final SystemSpec spec;
  private BlockDevices blocks;
  private HvStorage storage;
  /** Per pid, the registers saved at a protected process's kernel entry (arrays reused), and whether they are. */
  private long[][] savedRegisters = new long[64][];
  private boolean[] saved = new boolean[64];
  private final StatsSink.Counter exits;
  private final StatsSink.Counter denied;
  private final HypercallPorts ports;
  private final StatsSink.Counter scrubs;
  private final StatsSink.Counter registerWritesRefused;
  private final StatsSink.Counter eptInvalidations;
  private final StatsSink.Counter eptSplinters;
  private long seenInvalidations;
  private long seenSplinters;
  private boolean started;

  @Inject
  HypervisorShell(PhysicalMemory memory, EptViews views, Mmu mmu, ProtectionStrategy strategy, StrategyServices services,
      Simulation sim, CostProfile cost, SystemSpec spec, Map<String, DeviceModel> devices, VolumeSet volumes,
      MappingIntents intents) {
    this.memory = memory;
    this.views = views;
    this.mmu = mmu;
    this.strategy = strategy;
    this.services = services;
    this.sim = sim;
    this.vmexitNanos = cost.duration(CostProfile.HV_VMEXIT).nanos();
    this.copyPageNanos = cost.bandwidth(CostProfile.CPU_COPY).nanosFor(X86.PAGE_SIZE);
    this.zeroPageNanos = cost.bandwidth(CostProfile.CPU_ZERO).nanosFor(X86.PAGE_SIZE);
    this.invalidationNanos = cost.duration(CostProfile.HV_EPT_INVALIDATION).nanos();
    this.splinterNanos = cost.duration(CostProfile.HV_EPT_SPLINTER).nanos();
    this.intents = intents;
    this.osView = new OsMemoryView(this, memory, views.os(), services.guestFrames());
    services.afterStrategyWork(this::chargeEptChanges);
    this.devices = devices;
    this.volumes = volumes;
    this.spec = spec;
    StatsSink s = sim.stats();
    exits = s.counter("system.hv.ept-violations", "exits", "EPT violations handled by the hypervisor");
    denied = s.counter("system.hv.ept-denied", "exits", "EPT violations the strategy denied");
    ports = new HypercallPorts(sim, strategy, services, cost, this::chargeEptChanges, () -> blocks);
    scrubs = s.counter("system.hv.register-scrubs", "switches", "kernel entries whose registers were saved and scrubbed");
    registerWritesRefused = s.counter("system.hv.register-writes-refused", "writes",
        "kernel writes to a protected process's registers, refused");
    eptInvalidations = s.counter("system.hv.ept-invalidations", "invalidations", "EPT changes that invalidated the TLB");
    eptSplinters = s.counter("system.hv.ept-splinters", "entries", "2 MiB EPT entries split into 4 KiB entries");
  }

  /** The run's one mapping-intent registry; its tokens come from a stream derived from the seed. */
  public static MappingIntents newIntentRegistry(long seed) {
    return new IntentRegistry(org.sego.support.RandomStreams.derive(seed, "system.hv.intents"));
  }

  public ProtectionStrategy strategy() {
    return strategy;
  }

  public OsView osView() {
    return osView;
  }

  /**
   * Opens the volumes, connects them to the devices, and starts the strategy: the first thing a
   * started run does. A reboot after a guest crash keeps the shell started.
   */
  public void start() {
    if (started) {
      throw new IllegalStateException("the hypervisor shell is already started");
    }
    started = true;
    volumes.start();
    Map<String, Long> hostBuffers = new TreeMap<>();
    for (org.sego.core.compose.DeviceSpec d : spec.devices()) {
      hostBuffers.put(d.name(), d.volume().dataSize("host-buffer").bytes());
    }
    blocks = new BlockDevices(sim, memory, views, strategy, devices, volumes.volumes(), this::chargeEptChanges,
        hostBuffers, copyPageNanos);
    storage = new HvStorage(sim, devices, volumes, blocks::resource);
    services.attachStorage(storage);
    sim.onSwitch(this::contextSwitch);
    strategy.start();
    chargeEptChanges();
  }

  /** After a power failure: the fresh strategy rebuilds from what is durable before the guest boots. */
  public void recover() {
    strategy.recover();
    chargeEptChanges();
  }

  /** The guest died: the strategy and the hypervisor stay, the guest's processes, TLB entries and pending work go. */
  public void guestCrashed() {
    java.util.Arrays.fill(saved, false);
    signalContexts.clear();
    intents.clear();
    services.guestGone();
    mmu.flushAll();
    strategy.guestCrashed();
    chargeEptChanges();
  }

  /** The adversary's raw block read, through the strategy like every request; null when refused. */
  public byte[] adversaryRead(String device, long block) {
    blockQueue();
    return blocks.adversaryRead(device, block);
  }

  /** The adversary's raw block write, through the strategy; false when refused. */
  public boolean adversaryWrite(String device, long block, byte[] data) {
    blockQueue();
    return blocks.adversaryWrite(device, block, data);
  }

  /** The adversary's DMA between a block of a guest device and a guest frame, through the strategy; false when refused. */
  public boolean adversaryDma(String device, long block, long gfn, boolean toFrame) {
    blockQueue();
    return blocks.adversaryDma(device, block, gfn, toFrame);
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

  /** The view process {@code pid} runs in when in user mode. */
  public EptView userView(int pid) {
    return services.userView(pid);
  }

  /** The EPT view the current vCPU runs in: cached, so no strategy call on the access path. */
  public EptView currentView() {
    return services.currentView(sim.currentCpu());
  }

  private void contextSwitch(int vcpu, int pid) {
    services.switchTo(vcpu, pid, strategy.onContextSwitch(vcpu, pid));
    if (pid >= 0) {
      strategy.resuming(vcpu, pid);
    }
    chargeEptChanges(vcpu);
  }

  int currentPid() {
    return sim.currentPid();
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

  /**
   * An access exited to the hypervisor; true if the strategy let it retry. A violation is raised
   * through the services (the process concerned halts before it uses the data); a denial is counted.
   */
  public boolean eptViolation(EptExit exit) {
    sim.charge(CostCategory.VMEXIT, Principal.HV, vmexitNanos);
    exits.add(1);
    if (sim.trace().on) {
      sim.trace().record(sim.nowNanos(), sim.currentCpu(), "system.hv", "ept-violation",
          Map.of("accessor", exit.accessor().name(), "pid", exit.pid(), "view", exit.view().id(), "gfn", exit.gfn(),
              "qualification", exit.qualification()));
    }
    ExitAnswer a = strategy.onEptExit(exit);
    chargeEptChanges();
    if (a instanceof ExitAnswer.Retry) {
      return true;
    }
    denied.add(1);
    if (a instanceof ExitAnswer.Violation) {
      ExitAnswer.Violation v = (ExitAnswer.Violation) a;
      int pid = v.pid() >= 0 ? v.pid() : exit.accessor() == EptExit.Accessor.USER ? exit.pid() : -1;
      services.violation(pid, "EPT " + exit.accessor().name().toLowerCase(java.util.Locale.ROOT) + " access to gfn 0x"
          + Long.toHexString(exit.gfn()) + ": " + v.evidence());
    }
    return false;
  }

  /** Whether the hypervisor halted {@code pid} after a violation: it must not run on. */
  public boolean halted(int pid) {
    return services.halted(pid);
  }

  /** The kernel's hypercall port: the caller is the kernel, on behalf of the process it runs for. */
  public Hypercalls kernelPort() {
    return ports.kernelPort();
  }

  /** Process {@code pid}'s own hypercall port (a HAP's trusted library calls through it). */
  public Hypercalls processPort(int pid) {
    return ports.processPort(pid);
  }

  /** Process {@code pid} ended: the strategy releases what it holds for it, its intents go. */
  public void processExited(int pid) {
    if (pid < saved.length) {
      saved[pid] = false;
    }
    signalContexts.remove(pid);
    strategy.processExited(pid);
    intents.revokeAll(pid);
    services.exited(pid);
    chargeEptChanges();
  }

  /**
   * Charges the EPT invalidations and splinters the strategy's changes caused since the last look:
   * checked after every strategy call, so the strategy never has to charge them itself.
   */
  private void chargeEptChanges() {
    chargeEptChanges(-1);
  }

  private void chargeEptChanges(int vcpu) {
    long inv = views.invalidations();
    long spl = views.splinters();
    if (inv != seenInvalidations || spl != seenSplinters) {
      long ni = inv - seenInvalidations;
      long ns = spl - seenSplinters;
      eptInvalidations.add(ni);
      eptSplinters.add(ns);
      long nanos = ni * invalidationNanos + ns * splinterNanos;
      if (vcpu < 0) {
        sim.charge(CostCategory.VMEXIT, Principal.HV, nanos);
      } else {
        sim.chargeOn(vcpu, CostCategory.VMEXIT, Principal.HV, nanos);
      }
      seenInvalidations = inv;
      seenSplinters = spl;
    }
  }

  /**
   * Zeroes the general-purpose registers of a protected process, all but the stack pointer: the
   * kernel needs that one to place a signal frame on the (unprotected) stack, and what it holds is
   * an address the kernel's own page tables give away anyway.
   */
  private static void scrub(long[] registers) {
    long sp = registers[Registers.RSP];
    Arrays.fill(registers, 0, Registers.RIP, 0L);
    registers[Registers.RSP] = sp;
  }

  /** Kernel entry from process {@code pid}: saves and scrubs its registers if the strategy protects it. */
  public void kernelEntry(int pid, long[] registers) {
    services.transition(sim.currentCpu(), pid, true);
    if (!strategy.isProtected(pid)) {
      return;
    }
    sim.charge(CostCategory.VMEXIT, Principal.HV, vmexitNanos);
    if (pid >= saved.length) {
      savedRegisters = Arrays.copyOf(savedRegisters, Math.max(pid + 1, 2 * saved.length));
      saved = Arrays.copyOf(saved, savedRegisters.length);
    }
    if (savedRegisters[pid] == null) {
      savedRegisters[pid] = new long[Registers.COUNT];
    }
    System.arraycopy(registers, 0, savedRegisters[pid], 0, Registers.COUNT);
    saved[pid] = true;
    scrub(registers);
    scrubs.add(1);
  }

  /** Kernel exit to process {@code pid}: restores what {@link #kernelEntry} saved. */
  public void kernelExit(int pid, long[] registers) {
    services.transition(sim.currentCpu(), pid, false);
    if (pid >= 0 && pid < saved.length && saved[pid]) {
      saved[pid] = false;
      sim.charge(CostCategory.VMEXIT, Principal.HV, vmexitNanos);
      System.arraycopy(savedRegisters[pid], 0, registers, 0, Registers.COUNT);
    }
    strategy.resuming(sim.currentCpu(), pid);
    chargeEptChanges(sim.currentCpu());
  }

  /** Per pid, the register files a protected process was interrupted with when each pending signal's handler began. */
  private final Map<Integer, java.util.ArrayDeque<long[]>> signalContexts = new TreeMap<>();

  /**
   * A signal's handler is about to run in protected process {@code pid}: the hypervisor keeps the
   * registers it was interrupted with (the kernel's signal frame holds only what it was shown:
   * scrubbed registers), to put them back at {@link #sigreturnExit}.
   */
  public void signalDelivered(int pid, long[] registers) {
    if (strategy.isProtected(pid)) {
      signalContexts.computeIfAbsent(pid, p -> new java.util.ArrayDeque<>()).push(registers.clone());
    }
  }

  /**
   * The return from {@code rt_sigreturn} to process {@code pid}: for a protected process, the
   * registers {@link #signalDelivered} kept (not the handler's, which the entry saved, and not the
   * frame's, which the kernel may not write); otherwise as {@link #kernelExit}.
   */
  public void sigreturnExit(int pid, long[] registers) {
    kernelExit(pid, registers);
    java.util.ArrayDeque<long[]> contexts = signalContexts.get(pid);
    if (contexts != null && !contexts.isEmpty()) {
      System.arraycopy(contexts.pop(), 0, registers, 0, Registers.COUNT);
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
      scrub(copy);
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
    return services.violations();
  }

  /** The simulated time of each violation, in the order of {@link #violations()}. */
  public java.util.List<Long> violationTimes() {
    return services.violationTimes();
  }

  /** End-of-run stats. */
  public void finish() {
    strategy.finish();
    blocks.finish(sim.completionNanos());
    storage.finish(sim, sim.completionNanos());
    sim.stats().set("system.memory.resident-frames", "frames", "host frames holding bytes at the end",
        memory.residentFrames());
    sim.stats().set("system.hv.frames-in-use", "frames", "hypervisor-only frames allocated at the end",
        services.frames().inUse());
  }
}
