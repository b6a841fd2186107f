import org.sego.api.wiring.MachineFactory;
import org.sego.api.plugin.PluginProvider;
import org.sego.api.wiring.VolumeFactory;
import org.sego.api.wiring.HapLauncher;

/**
 * The simulation kernel, the hypervisor shell, composition (discovery, specs, the Guice root of
 * the trusted side), the {@code none} strategy and the run orchestrator.
 *
 * <p>Every package is exported only to the modules on top (the command line, the benchmarks, the
 * examples): a plug-in can neither name a host object nor cast a port to one. Plug-in tests that
 * compose a system put this module on the class path, where no module boundary applies.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module org.sego.core {
  requires transitive org.sego.api;
  requires org.sego.support;
  requires com.google.common;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;

  exports org.sego.core to org.sego.cli, org.sego.bench, org.sego.examples;
  exports org.sego.core.compose to org.sego.cli, org.sego.bench, org.sego.examples;
  exports org.sego.core.run to org.sego.cli, org.sego.bench, org.sego.examples;
  exports org.sego.core.sim to org.sego.cli, org.sego.bench, org.sego.examples;
  exports org.sego.core.output to org.sego.cli, org.sego.bench, org.sego.examples;
  exports org.sego.core.judge to org.sego.cli, org.sego.bench, org.sego.examples;
  exports org.sego.core.experiment to org.sego.cli, org.sego.bench, org.sego.examples;

  opens org.sego.core.hv to com.google.guice;
  opens org.sego.core.compose to com.google.guice;

  uses PluginProvider;
  uses MachineFactory;
  uses VolumeFactory;
  uses HapLauncher;

  provides PluginProvider with org.sego.core.hv.NoneStrategyProvider;
}
