package org.sego.core.compose;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.PrivateModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Names;
import java.nio.file.Path;
import org.sego.api.Experimental;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hw.DeviceModel;
import org.sego.api.wiring.MachineConfig;
import org.sego.api.wiring.MachineFactory;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.Parameters;
import org.sego.api.wiring.VolumeFactory;
import org.sego.api.cost.CostProfile;
import org.sego.api.hv.HypervisorServices;
import org.sego.api.hv.MappingIntents;
import org.sego.core.hv.HypervisorShell;
import org.sego.core.hv.StrategyServices;
import org.sego.core.hv.VolumeSet;
import org.sego.core.sim.Simulation;
import org.sego.core.sim.StatsRegistry;
import org.sego.core.sim.Trace;

/**
 * The Guice root of one run's trusted side: machine, cost profile, strategy, device models, volumes,
 * the simulation and the hypervisor shell. Each plug-in's module is installed in a private module
 * keyed by its component path, so two instances of one plug-in never collide. Nothing untrusted is
 * bound here.
 */
@Experimental("composition and lifecycle")
public final class TrustedRootModule extends AbstractModule {
  private final SystemSpec spec;
  private final MachineFactory machine;
  private final VolumeFactory volumes;
  private final Path baseDir;
  private final Trace trace;
  private final VolumeSet existing;

  public TrustedRootModule(SystemSpec spec, MachineFactory machine, VolumeFactory volumes, Path baseDir, Trace trace) {
    this(spec, machine, volumes, baseDir, trace, null);
  }

  /** A root for a reboot: a fresh machine, strategy and hypervisor, the same (already open) volumes. */
  public TrustedRootModule(SystemSpec spec, MachineFactory machine, VolumeFactory volumes, Path baseDir, Trace trace,
      VolumeSet existing) {
    this.existing = existing;
    this.spec = spec;
    this.machine = machine;
    this.volumes = volumes;
    this.baseDir = baseDir;
    this.trace = trace;
  }

  @Override
  protected void configure() {
    binder().requireExplicitBindings();
    binder().disableCircularProxies();
    long guest = spec.system().dataSize("memory").bytes();
    long host = guest + spec.system().dataSize("hypervisor-memory").bytes();
    install(machine.module(new MachineConfig(host, guest, (int) spec.system().integer("tlb-sets"),
        (int) spec.system().integer("tlb-ways"))));
    bind(SystemSpec.class).toInstance(spec);
    install(spec.costProvider().module(
        new PluginConfig("system.cost-profile", Parameters.none(), spec.costProfile(), spec.seed())));

    Component strategy = spec.strategy();
    Module strategyModule = strategy.provider().module(config(strategy));
    install(new PrivateModule() {
      @Override
      protected void configure() {
        install(strategyModule);
        expose(ProtectionStrategy.class);
      }
    });

    MapBinder<String, DeviceModel> models = MapBinder.newMapBinder(binder(), String.class, DeviceModel.class);
    for (DeviceSpec d : spec.devices()) {
      Key<DeviceModel> key = Key.get(DeviceModel.class, Names.named(d.path()));
      Module m = d.model().provider().module(config(d.model()));
      install(new PrivateModule() {
        @Override
        protected void configure() {
          install(m);
          bind(key).to(DeviceModel.class);
          expose(key);
        }
      });
      models.addBinding(d.name()).to(key);
    }

    CostProfile cost = spec.costProfile();
    StatsRegistry stats = new StatsRegistry();
    Simulation sim = new Simulation((int) spec.system().integer("vcpus"), spec.system().duration("time-slice").nanos(),
        cost.duration(CostProfile.CPU_CONTEXT_SWITCH).nanos(), stats, trace);
    bind(Simulation.class).toInstance(sim);
    bind(VolumeSet.class).toInstance(existing != null ? existing : new VolumeSet(spec, volumes, baseDir));
    bind(MappingIntents.class).toInstance(HypervisorShell.newIntentRegistry(spec.seed()));
    bind(StrategyServices.class).in(com.google.inject.Singleton.class);
    bind(HypervisorServices.class).to(StrategyServices.class);
    bind(HypervisorShell.class).in(com.google.inject.Singleton.class);
  }

  /** What the root binds for a strategy (and any trusted plug-in): listed when one asks for more. */
  public static final java.util.List<String> INJECTABLE = java.util.List.of(
      "org.sego.api.hv.HypervisorServices (time and cost, stats, violations, memory, processes, intents, random streams)",
      "org.sego.api.hv.MappingIntents", "org.sego.api.hw.PhysicalMemory", "org.sego.api.hw.EptViews",
      "org.sego.api.hw.Mmu", "org.sego.api.cost.CostProfile",
      "java.util.Map<String, org.sego.api.hw.DeviceModel> (the device timing models by device name)",
      "what the plug-in's own module binds");

  /**
   * A composition failure in words a plug-in author can act on: which component could not be built,
   * Guice's reason, and what may be injected.
   */
  public static RuntimeException explain(SystemSpec spec, RuntimeException e) {
    java.util.Collection<com.google.inject.spi.Message> messages = e instanceof com.google.inject.CreationException
        ? ((com.google.inject.CreationException) e).getErrorMessages()
        : ((com.google.inject.ProvisionException) e).getErrorMessages();
    StringBuilder b = new StringBuilder("the trusted side of " + spec.source() + " (strategy '"
        + spec.strategy().provider().name() + "') cannot be composed:");
    for (com.google.inject.spi.Message m : messages) {
      String first = m.getMessage().lines().findFirst().orElse(m.getMessage());
      b.append("\n  - ").append(first);
      Throwable cause = m.getCause();
      if (cause != null && cause.getMessage() != null) {
        b.append(" (").append(cause.getMessage().lines().findFirst().orElse("")).append(')');
      }
    }
    b.append("\n  a strategy may inject: ").append(String.join("; ", INJECTABLE));
    return new IllegalStateException(b.toString(), e);
  }

  private PluginConfig config(Component c) {
    return new PluginConfig(c.path(), c.parameters(), spec.costProfile(), spec.seed());
  }
}
