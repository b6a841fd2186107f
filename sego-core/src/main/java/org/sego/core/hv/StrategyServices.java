package org.sego.core.hv;

import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.GuestProcesses;
import org.sego.api.hv.HypervisorFrames;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.MappingIntents;
import org.sego.api.hw.EptView;
import org.sego.api.hw.EptViews;
import org.sego.api.hw.PhysicalMemory;
import org.sego.api.hw.X86;
import org.sego.api.sim.Clock;
import org.sego.api.sim.CostCategory;
import org.sego.api.sim.EventQueue;
import org.sego.api.sim.Principal;
import org.sego.api.sim.StatsSink;
import org.sego.core.compose.SystemSpec;
import org.sego.core.sim.Ports;
import org.sego.core.sim.Simulation;
import org.sego.support.RandomStreams;

/**
 * The hypervisor services of one run (DESIGN §5a), bound in the trusted root for the strategy. It
 * also holds the state the shell and the strategy share: the EPT view each vCPU runs in, the
 * registered HAPs, the violation log and the processes halted by a violation.
 */
public final class StrategyServices implements HypervisorServices {
  /** The strategy's component path. */
  public static final String PATH = "system.strategy";
  /** Exit status of a process the hypervisor halted after a violation (as if by SIGKILL). */
  public static final int HALT_STATUS = 128 + 9;

  private final Simulation sim;
  private final PhysicalMemory memory;
  private final EptViews views;
  private final CostProfile costs;
  private final MappingIntents intents;
  private final long seed;
  private final long guestFrames;
  private final Frames frames;
  private final Clock clock;
  private final EventQueue events;
  private final StatsSink stats;
  private final EptView[] viewByVcpu;
  /** The view each process runs in user mode, where it is not the OS's (the strategy's last answer). */
  private final org.sego.support.LongLongMap viewOfPid = new org.sego.support.LongLongMap(0);
  private final Set<Integer> haps = new TreeSet<>();
  private final Set<Integer> halted = new TreeSet<>();
  private final List<String> violations = new ArrayList<>();
  private final List<Long> violationTimes = new ArrayList<>();
  private final long viewSwitchNanos;
  /** What the shell does after any strategy code ran (charge the EPT changes it made). */
  private Runnable afterStrategyWork = () -> {};
  private final StatsSink.Counter viewSwitches;
  private final StatsSink.Counter violationCount;

  @Inject
  StrategyServices(Simulation sim, PhysicalMemory memory, EptViews views, CostProfile costs, MappingIntents intents,
      SystemSpec spec) {
    this.sim = sim;
    this.memory = memory;
    this.views = views;
    this.costs = costs;
    this.intents = intents;
    this.seed = spec.seed();
    this.guestFrames = spec.system().dataSize("memory").bytes() >>> X86.PAGE_SHIFT;
    this.frames = new Frames(guestFrames, spec.system().dataSize("hypervisor-memory").bytes() >>> X86.PAGE_SHIFT, memory);
    this.clock = Ports.clock(sim);
    EventQueue own = Ports.events(sim, PATH + ".");
    this.events = new EventQueue() {
      @Override
      public long schedule(long atNanos, String componentPath, org.sego.api.sim.Event event) {
        // After the strategy's own event, the EPT changes it made are charged like any other strategy work.
        return own.schedule(atNanos, componentPath, t -> {
          event.fire(t);
          afterStrategyWork.run();
        });
      }

      @Override
      public boolean cancel(long id) {
        return own.cancel(id);
      }
    };
    this.stats = Ports.stats(sim.stats(), PATH + ".");
    this.viewByVcpu = new EptView[sim.vcpuCount()];
    java.util.Arrays.fill(viewByVcpu, views.os());
    this.viewSwitchNanos = costs.duration(CostProfile.HV_VIEW_SWITCH).nanos();
    this.viewSwitches = sim.stats().counter("system.hv.view-switches", "switches", "EPT view switches charged");
    this.violationCount = sim.stats().counter("system.hv.violations", "events", "violations raised");
  }

  private org.sego.api.hv.HypervisorStorage storage;

  /** The shell connects the hypervisor's devices once the volumes are open (before the strategy starts). */
  void attachStorage(org.sego.api.hv.HypervisorStorage storage) {
    this.storage = storage;
  }

  @Override
  public org.sego.api.hv.HypervisorStorage storage() {
    if (storage == null) {
      throw new IllegalStateException("the hypervisor's storage is reachable from the strategy's start() on, not in its constructor");
    }
    return storage;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public CostProfile costs() {
    return costs;
  }

  @Override
  public int category(String name) {
    if (name == null || !name.matches("[a-z0-9]+(\\.[a-z0-9-]+)+")) {
      throw new IllegalArgumentException("cost category '" + name + "' must be a dotted lower-case name such as crypto.aes-gcm");
    }
    return sim.accounts().register(name);
  }

  @Override
  public void charge(int category, long nanos) {
    sim.charge(category, Principal.HV, nanos);
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public EventQueue events() {
    return events;
  }

  @Override
  public StatsSink stats() {
    return stats;
  }

  @Override
  public SplittableRandom random(String name) {
    return RandomStreams.derive(seed, PATH + "." + name);
  }

  @Override
  public void violation(int pid, String evidence) {
    violationCount.add(1);
    violations.add(sim.nowNanos() + " ns: " + (pid >= 0 ? "pid " + pid + ": " : "") + evidence);
    violationTimes.add(sim.nowNanos());
    if (sim.trace().on) {
      sim.trace().record(sim.nowNanos(), sim.currentCpu(), "system.hv", "violation",
          java.util.Map.of("pid", pid, "evidence", evidence));
    }
    if (pid >= 0) {
      halted.add(pid);
    }
  }

  @Override
  public EptViews views() {
    return views;
  }

  @Override
  public PhysicalMemory memory() {
    return memory;
  }

  @Override
  public long guestFrames() {
    return guestFrames;
  }

  @Override
  public HypervisorFrames frames() {
    return frames;
  }

  @Override
  public void setView(int pid, int viewId) {
    views.get(viewId); // an unknown view fails here, naming the views there are
    remember(pid, viewId);
    for (int cpu = 0; cpu < viewByVcpu.length; cpu++) {
      if (sim.runningOn(cpu) == pid) {
        switchView(cpu, viewId);
      }
    }
  }

  private void remember(int pid, int viewId) {
    if (viewId == 0) {
      viewOfPid.remove(pid);
    } else {
      viewOfPid.put(pid, viewId);
    }
  }

  @Override
  public GuestProcesses processes() {
    return processFacts;
  }

  @Override
  public MappingIntents intents() {
    return intents;
  }

  // ---- shared with the shell ------------------------------------------------------------------

  void afterStrategyWork(Runnable r) {
    this.afterStrategyWork = r;
  }

  /** The view process {@code pid} runs in when in user mode (the OS's unless the strategy gave it one). */
  EptView userView(int pid) {
    return views.get((int) viewOfPid.get(pid));
  }

  /** The view {@code vcpu} runs in now: read on every access, so it is one array load. */
  EptView currentView(int vcpu) {
    return viewByVcpu[vcpu];
  }

  /** At a context switch to {@code pid}: {@code vcpu} now runs in view {@code viewId}; charges the switch if it changed. */
  void switchTo(int vcpu, int pid, int viewId) {
    if (viewId == org.sego.api.hv.ProtectionStrategy.KEEP_VIEW) {
      viewId = (int) viewOfPid.get(pid);
    } else {
      remember(pid, viewId);
    }
    switchView(vcpu, viewId);
  }

  /**
   * A process in a view of its own enters the kernel ({@code toKernel}: the vCPU switches to the OS's
   * view) or returns to user mode (back to its own): each is a HAP↔OS transition, charged as a view
   * switch. Nothing happens for a process that runs in the OS's view, as under {@code none}.
   */
  void transition(int vcpu, int pid, boolean toKernel) {
    switchView(vcpu, toKernel ? 0 : (int) viewOfPid.get(pid));
  }

  private void switchView(int vcpu, int viewId) {
    EptView v = views.get(viewId);
    if (viewByVcpu[vcpu] != v) {
      viewByVcpu[vcpu] = v;
      viewSwitches.add(1);
      sim.chargeOn(vcpu, CostCategory.VMEXIT, Principal.HV, viewSwitchNanos);
    }
  }

  void registered(int pid) {
    haps.add(pid);
  }

  boolean halted(int pid) {
    return !halted.isEmpty() && halted.contains(pid);
  }

  void exited(int pid) {
    viewOfPid.remove(pid);
    haps.remove(pid);
    halted.remove(pid);
  }

  /** The guest is gone: its processes with it. */
  void guestGone() {
    viewOfPid.clear();
    haps.clear();
    halted.clear();
    java.util.Arrays.fill(viewByVcpu, views.os());
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  /** The simulated time of each violation, in the order of {@link #violations()}. */
  List<Long> violationTimes() {
    return List.copyOf(violationTimes);
  }

  private final GuestProcesses processFacts = new GuestProcesses() {
    @Override
    public long cr3(int pid) {
      if (!sim.alive(pid)) {
        throw new IllegalArgumentException("no live process " + pid);
      }
      return sim.cr3(pid);
    }

    @Override
    public boolean alive(int pid) {
      return sim.alive(pid);
    }

    @Override
    public boolean isHap(int pid) {
      return haps.contains(pid);
    }

    @Override
    public int running(int vcpu) {
      return sim.runningOn(vcpu);
    }
  };

  /** Host frames above guest memory, handed out lowest first so runs repeat exactly. */
  private static final class Frames implements HypervisorFrames {
    private final long first;
    private final long capacity;
    private final PhysicalMemory memory;
    private final java.util.BitSet used = new java.util.BitSet();
    private long inUse;

    Frames(long first, long capacity, PhysicalMemory memory) {
      this.first = first;
      this.capacity = capacity;
      this.memory = memory;
    }

    @Override
    public long allocate() {
      int i = used.nextClearBit(0);
      if (i >= capacity) {
        throw new IllegalStateException("the hypervisor's " + capacity + " frames are all in use; raise "
            + "system.hypervisor-memory");
      }
      used.set(i);
      inUse++;
      memory.zeroFrame(first + i);
      return first + i;
    }

    @Override
    public void free(long hfn) {
      long i = hfn - first;
      if (i < 0 || i >= capacity || !used.get((int) i)) {
        throw new IllegalArgumentException("hfn 0x" + Long.toHexString(hfn) + " is not an allocated hypervisor frame");
      }
      used.clear((int) i);
      inUse--;
    }

    @Override
    public long capacity() {
      return capacity;
    }

    @Override
    public long inUse() {
      return inUse;
    }
  }
}
