package org.sego.core.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.sego.api.Experimental;
import org.sego.api.attack.AdversaryOps;
import org.sego.api.attack.KernelHooks;
import org.sego.api.guest.GuestKernel;
import org.sego.api.wiring.HapLauncher;
import org.sego.api.hap.HapOutput;
import org.sego.api.hap.HapProgram;
import org.sego.api.guest.KernelPorts;
import org.sego.api.wiring.MachineFactory;
import org.sego.api.hw.Mmu;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.sim.Program;
import org.sego.api.wiring.VolumeFactory;
import org.sego.api.plugin.GuestKernelProvider;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.core.compose.Component;
import org.sego.core.compose.SystemSpec;
import org.sego.core.compose.TrustBoundary;
import org.sego.core.compose.TrustedRootModule;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.hv.VolumeSet;
import org.sego.core.output.Json;
import org.sego.core.sim.Ports;
import org.sego.core.sim.Simulation;
import org.sego.core.sim.StatsRegistry;
import org.sego.core.sim.Trace;
import org.sego.support.RandomStreams;

/**
 * One run of a system: the trusted side composed by one injector, then started; untrusted
 * principals constructed here and handed their ports. Nothing after start uses the injector.
 */
@Experimental("composition and lifecycle")
public final class SystemRun implements AutoCloseable {
  private final SystemSpec spec;
  private final Simulation sim;
  private final HypervisorShell shell;
  private final VolumeSet volumes;
  private final Mmu mmu;
  private final PhysicalMemory memory;
  private final RunCosts costs;
  private final Trace trace;
  private final Path baseDir;
  private boolean crashedAndKept;
  private boolean powerFailed;
  /** Violations raised before this boot (the same hypervisor after a guest crash keeps its log). */
  private int violationsBefore;
  private GuestKernel kernel;
  private KernelPorts ports;
  private boolean ran;
  private final long startedAtMillis = System.currentTimeMillis();
  private final DelegatingHooks hooks = new DelegatingHooks();
  private final int[] crashRequest = new int[1];
  private final org.sego.api.storage.PowerFailure[] chosenFailure = new org.sego.api.storage.PowerFailure[1];
  private KernelBlockQueue kernelQueue;
  private LoggingAdversaryOps adversary;
  private final Map<Integer, Integer> exitStatuses = new java.util.TreeMap<>();

  private SystemRun(SystemSpec spec, Injector injector, Trace trace, Path baseDir) {
    this.baseDir = baseDir;
    this.spec = spec;
    this.trace = trace;
    this.sim = injector.getInstance(Simulation.class);
    this.shell = injector.getInstance(HypervisorShell.class);
    this.volumes = injector.getInstance(VolumeSet.class);
    this.mmu = injector.getInstance(Mmu.class);
    this.memory = injector.getInstance(PhysicalMemory.class);
    this.costs = RunCosts.of(spec.costProfile());
  }

  /**
   * Composes the trusted side, checks the trust boundary, and opens the volumes. Relative image
   * paths resolve against {@code baseDir}; a trace is written to {@code traceFile} when the spec
   * asks for one.
   */
  public static SystemRun start(SystemSpec spec, Path baseDir, Path traceFile) {
    return start(spec, baseDir, traceFile, null);
  }

  /**
   * Reboots after {@link #crash}. After a guest crash the trusted side stays — the same machine,
   * hypervisor and strategy (told {@code guestCrashed}), its clock and stats going on — and only a
   * new guest will boot. After a power failure a new injector composes a fresh machine, strategy and
   * hypervisor around the same volumes (the strategy's volatile state is gone; it {@code recover}s
   * from what is durable). Boot a kernel on the result as usual.
   */
  public static SystemRun reboot(SystemRun crashed) {
    if (!crashed.sim.crashed() && !crashed.ran) {
      throw new IllegalStateException("reboot follows a run or a crash");
    }
    if (crashed.powerFailed) {
      crashed.trace.close();
      SystemRun next = start(crashed.spec, crashed.baseDir, null, crashed.volumes);
      next.shell.recover();
      return next;
    }
    crashed.sim.rebootGuest();
    crashed.shell.guestCrashed();
    return new SystemRun(crashed);
  }

  /** The next boot on the same trusted side. */
  private SystemRun(SystemRun previous) {
    this.baseDir = previous.baseDir;
    this.spec = previous.spec;
    this.trace = previous.trace;
    this.sim = previous.sim;
    this.shell = previous.shell;
    this.volumes = previous.volumes;
    this.mmu = previous.mmu;
    this.memory = previous.memory;
    this.costs = previous.costs;
    this.violationsBefore = previous.shell.violations().size();
  }

  private static SystemRun start(SystemSpec spec, Path baseDir, Path traceFile, VolumeSet existing) {
    MachineFactory machine = only(MachineFactory.class);
    VolumeFactory volumeFactory = only(VolumeFactory.class);
    Trace trace = spec.system().bool("trace") && traceFile != null ? Trace.to(traceFile) : Trace.off();
    Injector injector;
    try {
      injector = Guice.createInjector(Stage.PRODUCTION,
          new TrustedRootModule(spec, machine, volumeFactory, baseDir, trace, existing));
    } catch (com.google.inject.CreationException | com.google.inject.ProvisionException e) {
      trace.close();
      throw TrustedRootModule.explain(spec, e);
    }
    TrustBoundary.verify(injector);
    SystemRun run = new SystemRun(spec, injector, trace, baseDir);
    checksHaveSwitches(spec, run.shell.strategy());
    run.shell.start();
    return run;
  }

  /** Every check a strategy declares must be switched by a boolean parameter of its own schema. */
  private static void checksHaveSwitches(SystemSpec spec, org.sego.api.hv.ProtectionStrategy strategy) {
    var schema = spec.strategy().provider().parameters();
    for (org.sego.api.hv.Check c : strategy.checks()) {
      var p = schema.find(c.parameter());
      if (p.isEmpty() || p.get().type() != org.sego.api.plugin.ParameterType.BOOLEAN) {
        throw new IllegalStateException("strategy " + strategy.name() + " declares check '" + c.name()
            + "' switched by parameter '" + c.parameter() + "', but its schema has no boolean parameter of that name; "
            + "it has " + schema.parameters().stream().map(org.sego.api.plugin.Parameter::name).toList());
      }
    }
  }

  private static <T> T only(Class<T> service) {
    var found = ServiceLoader.load(service).stream().map(ServiceLoader.Provider::get).toList();
    if (found.size() != 1) {
      throw new IllegalStateException("expected exactly one " + service.getSimpleName() + " on the module path, found "
          + found.stream().map(f -> f.getClass().getName()).toList()
          + "; sego-hw-x86 provides the machine and sego-storage the volumes");
    }
    return found.get(0);
  }

  public SystemSpec spec() {
    return spec;
  }

  public Simulation simulation() {
    return sim;
  }

  public StatsRegistry stats() {
    return sim.stats();
  }

  /** The shell, for tests in this package only: it is a host object. */
  HypervisorShell shell() {
    return shell;
  }

  /** The ports a guest kernel gets; also what a device probe without a kernel drives. */
  public KernelPorts ports() {
    if (ports == null) {
      kernelQueue = new KernelBlockQueue(shell.blockQueue(), hooks, sim);
      ports = new KernelPorts(shell.osView(), shell.kernelPort(), kernelQueue, Ports.clock(sim),
          new KernelCpu(sim, mmu, shell, this::spawnProcess), Ports.events(sim, Ports.GUEST_PATH),
          Ports.stats(sim.stats(), Ports.GUEST_PATH), RandomStreams.derive(spec.seed(), "system.guest"), hooks,
          spec.costProfile());
    }
    return ports;
  }

  /** Constructs the (untrusted) guest kernel with its ports, and boots it on vCPU 0. */
  public GuestKernel boot(Function<KernelPorts, ? extends GuestKernel> factory) {
    if (kernel != null) {
      throw new IllegalStateException("a guest kernel is already booted in this run");
    }
    GuestKernel k = factory.apply(ports());
    TrustBoundary.verifyUntrusted(k.getClass());
    kernel = k;
    k.boot();
    return k;
  }

  /**
   * Makes the kernel malicious: {@code attackHooks} run at its hook points from now on, and what
   * they change through return values (a faked result, a dropped or redirected request) is logged
   * into {@code log}.
   */
  public void installHooks(KernelHooks attackHooks, AdversaryLog log) {
    TrustBoundary.verifyUntrusted(attackHooks.getClass());
    hooks.install(attackHooks, log, sim);
  }

  /** The adversary's operations on this run, every call logged into {@code log}. */
  public AdversaryOps adversary(AdversaryLog log, int victimPid) {
    return adversary(log, victimPid, 0);
  }

  /** The adversary's operations in boot {@code boot} of a judged run. */
  public AdversaryOps adversary(AdversaryLog log, int victimPid, int boot) {
    return adversary(log, victimPid, boot, false);
  }

  /**
   * The adversary's operations in boot {@code boot} of a judged run, with physical access if {@code
   * physical}. They are valid until this boot's run ends or the adversary crashes it.
   */
  public AdversaryOps adversary(AdversaryLog log, int victimPid, int boot, boolean physical) {
    ports();
    GuestKernel k = kernel;
    adversary = new LoggingAdversaryOps(shell, sim, mmu, volumes, log, victimPid, boot, crashRequest, chosenFailure,
        new LoggingAdversaryOps.Run(k, this::start, () -> exitStatuses.containsKey(victimPid), kernelQueue), physical);
    return adversary;
  }

  /** 0 unless the adversary crashed this run: 1 for a guest crash, 2 for a power failure. */
  public int adversaryCrash() {
    return crashRequest[0];
  }

  /** What survives the adversary's power failure: the physical adversary's choice, else every unflushed write is lost. */
  public org.sego.api.storage.PowerFailure adversaryPowerFailure() {
    return chosenFailure[0] != null ? chosenFailure[0] : org.sego.api.storage.PowerFailure.loseAll();
  }

  /** The properties the run's strategy claims against the guest OS (see {@link org.sego.api.hv.ProtectionStrategy#claims()}). */
  public java.util.Set<String> claims() {
    return claims(org.sego.api.hv.Claim.Adversary.GUEST_OS);
  }

  /** The properties the run's strategy claims against {@code adversary}. */
  public java.util.Set<String> claims(org.sego.api.hv.Claim.Adversary adversary) {
    java.util.Set<String> s = new java.util.TreeSet<>();
    for (org.sego.api.hv.Claim c : shell.strategy().claims()) {
      if (c.adversary() == adversary) {
        s.add(c.property());
      }
    }
    return s;
  }

  /** What the run's strategy declares: its claims, checks and capabilities (for {@code sego describe}). */
  public record StrategyFacts(String name, java.util.List<org.sego.api.hv.Claim> claims,
      java.util.List<org.sego.api.hv.Check> checks, org.sego.api.hypercall.Capabilities capabilities) {}

  public StrategyFacts strategyFacts() {
    var s = shell.strategy();
    return new StrategyFacts(s.name(), s.claims(), s.checks(), s.capabilities());
  }

  /**
   * Builds strategy {@code name} with its default parameters on a small machine with no guest, to read
   * what it declares.
   */
  public static StrategyFacts describeStrategy(org.sego.core.compose.PluginRegistry registry, String name) {
    Map<String, Object> tree = new java.util.LinkedHashMap<>();
    tree.put("system", new java.util.LinkedHashMap<>(Map.of("memory", "16 MiB", "hypervisor-memory", "4 MiB")));
    tree.put("strategy", new java.util.LinkedHashMap<>(Map.of("name", name)));
    tree.put("devices", new java.util.LinkedHashMap<>());
    try (SystemRun run = org.sego.core.SegoSystem.fromTree("describe " + name, tree, registry).start()) {
      return run.strategyFacts();
    }
  }

  /**
   * The I/O log of device {@code device}'s volume (every write, FUA and flush; each write's bytes only
   * if the spec sets {@code system.keep-io-data}), for the fault injector that builds crash states
   * from it.
   */
  public java.util.List<org.sego.api.storage.IoRecord> ioLog(String device) {
    return java.util.List.copyOf(volumes.get(device).log());
  }

  /** Violations raised in this boot so far, in order. */
  public java.util.List<String> violations() {
    var all = shell.violations();
    return all.subList(violationsBefore, all.size());
  }

  /** The simulated time of each violation of {@link #violations()}. */
  public java.util.List<Long> violationTimes() {
    var all = shell.violationTimes();
    return all.subList(violationsBefore, all.size());
  }

  /** Starts {@code hap} on the trusted library (found through {@link HapLauncher}); returns its pid. */
  public int startHap(HapProgram hap, HapOutput output) {
    return start(only(HapLauncher.class).launch(hap, output));
  }

  /** Boots the spec's {@code [guest]} kernel plug-in. */
  public GuestKernel bootGuest() {
    Component g = spec.guest().orElseThrow(() -> new IllegalStateException(
        spec.source() + " has no [guest] table; add one naming a guest kernel (for example name = \"linuxlike\")"));
    GuestKernelProvider provider = (GuestKernelProvider) g.provider();
    return boot(ports -> provider.create(ports, g.parameters()));
  }

  /** Starts the spec's {@code [workload]} as the first process of the booted kernel; returns its pid. */
  public int startWorkload() {
    Component w = spec.workload().orElseThrow(() -> new IllegalStateException(
        spec.source() + " names no workload; add a [workload] table or pass --workload"));
    Program program = ((WorkloadProvider) w.provider()).program(w.parameters(),
        RandomStreams.mix(spec.seed(), "system.workload"));
    if (kernel == null) {
      throw new IllegalStateException("boot a guest kernel before starting a workload");
    }
    if (w.asHap()) {
      program = only(HapLauncher.class).launchAsHap(program, (pid, label, value) -> {
        synchronized (hapOutput) {
          hapOutput.add(pid + " " + label + "=" + value);
        }
      });
    }
    return kernel.start(program);
  }

  private final List<String> hapOutput = new ArrayList<>();

  /** What a workload run as a HAP emitted, in order ({@code pid label=value}). */
  public List<String> hapOutput() {
    synchronized (hapOutput) {
      return List.copyOf(hapOutput);
    }
  }

  /** Starts {@code program} as a new process of the booted kernel (as init would); returns its pid. */
  public int start(Program program) {
    if (kernel == null) {
      throw new IllegalStateException("boot a guest kernel before starting a program");
    }
    return kernel.start(program);
  }

  /** Exit status of every process that has ended, by pid. */
  public Map<Integer, Integer> exitStatuses() {
    return java.util.Collections.unmodifiableMap(exitStatuses);
  }

  private void spawnProcess(int pid, long cr3, Program program) {
    if (kernel == null) {
      throw new IllegalStateException("processes need a booted guest kernel");
    }
    TrustBoundary.verifyUntrusted(program.getClass());
    ProcessContext ctx = new ProcessContext(pid, sim, mmu, memory, shell, kernel, costs, hooks);
    GuestKernel k = kernel;
    ctx.bind(sim.spawn(pid, cr3, () -> program.run(ctx), status -> {
      exitStatuses.put(pid, status);
      k.exited(pid, status);
      shell.processExited(pid);
    }));
  }

  /** Runs until every process has ended and no event is pending, then computes the run's stats. */
  public void run() {
    runUntil(Long.MAX_VALUE);
  }

  /**
   * Runs as {@link #run()} does, but stops everything where it is when simulated time reaches {@code
   * crashAtNanos}; returns true if it stopped there (the workload had not finished).
   */
  public boolean runUntil(long crashAtNanos) {
    if (ran) {
      throw new IllegalStateException("a run runs once");
    }
    ran = true;
    boolean stopped;
    if (adversary != null) {
      adversary.begin();
    }
    try {
      stopped = sim.run(crashAtNanos);
    } finally {
      if (adversary != null) {
        adversary.retire(); // an AdversaryOps is valid for one boot
      }
    }
    if (stopped) {
      sim.stats().set("system.crash.at", "ns", "simulated time the run was stopped by a crash", crashAtNanos);
    }
    finishStats();
    return stopped;
  }

  /**
   * The crash itself, after {@link #runUntil} stopped: the guest kernel and its processes are gone; a
   * guest crash leaves the volumes with every acknowledged write, a power failure also drops their
   * volatile write caches as {@code failure} selects. Then {@link #reboot} may start the next boot.
   */
  public void crash(boolean powerFailure, org.sego.api.storage.PowerFailure failure) {
    if (powerFailure) {
      volumes.powerFail(failure);
    }
    sim.stats().set("system.crash.power-failure", "flag", "1 if the crash was a power failure", powerFailure ? 1 : 0);
    crashedAndKept = true;
    powerFailed = powerFailure;
    kernel = null;
  }

  private void finishStats() {
    shell.finish();
    StatsRegistry st = sim.stats();
    st.set("system.time.completion", "ns", "simulated time when the last vCPU finished", sim.completionNanos());
    for (int v = 0; v < sim.vcpuCount(); v++) {
      String p = "system.cpu" + v;
      st.set(p + ".time", "ns", "simulated time of this vCPU", sim.clock(v));
      for (Map.Entry<String, Long> e : sim.timeByCategory(v).entrySet()) {
        st.set(p + ".time." + e.getKey(), "ns", "time charged to this category and principal", e.getValue());
      }
    }
    st.set("system.mmu.tlb-hits", "lookups", "translations served by the TLB", mmu.tlbHits());
    st.set("system.mmu.tlb-misses", "lookups", "translations that walked the page tables", mmu.tlbMisses());
    st.set("system.mmu.walk-steps", "reads", "page-table entries read by the walker", mmu.walkSteps());
    st.set("system.processes.exited", "processes", "processes that ended", exitStatuses.size());
    st.set("system.processes.failed", "processes", "processes that ended with a non-zero status",
        exitStatuses.values().stream().filter(s -> s != 0).count());
  }

  /**
   * Writes {@code config.json} and {@code stats.json} (deterministic: no time, host or path) and
   * {@code host.json} (what is not: the host, the JVM, wall-clock times) into {@code dir}; returns it.
   */
  public Path writeOutputs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run folder " + dir, e);
    }
    Json.write(dir.resolve("config.json"), spec.tree());
    Map<String, Object> stats = new java.util.TreeMap<>();
    stats.put("schemaVersion", 1);
    stats.put("stats", sim.stats().toTree());
    Json.write(dir.resolve("stats.json"), stats);
    Map<String, Object> host = new java.util.TreeMap<>();
    host.put("javaVersion", System.getProperty("java.version"));
    host.put("javaVm", System.getProperty("java.vm.name"));
    host.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    host.put("cores", Runtime.getRuntime().availableProcessors());
    host.put("startedAt", java.time.Instant.ofEpochMilli(startedAtMillis).toString());
    host.put("wallMillis", System.currentTimeMillis() - startedAtMillis);
    host.put("outputDirectory", dir.toAbsolutePath().toString());
    Json.write(dir.resolve("host.json"), host);
    return dir;
  }

  @Override
  public void close() {
    if (!crashedAndKept) {
      volumes.close();
    }
    trace.close();
  }
}
