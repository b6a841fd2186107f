import org.sego.api.hw.MachineFactory;
import org.sego.api.plugin.PluginProvider;
import org.sego.api.storage.VolumeFactory;

/**
 * The simulation kernel, the hypervisor shell, composition (discovery, specs, the Guice root of
 * the trusted side), the {@code none} strategy and the run orchestrator.
 */
module org.sego.core {
  requires transitive org.sego.api;
  requires org.sego.support;
  requires com.google.common;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;

  exports org.sego.core;
  exports org.sego.core.compose;
  exports org.sego.core.run;
  exports org.sego.core.sim;
  exports org.sego.core.output;
  exports org.sego.core.judge;

  opens org.sego.core.hv to com.google.guice;
  opens org.sego.core.compose to com.google.guice;

  uses PluginProvider;
  uses MachineFactory;
  uses VolumeFactory;
  uses org.sego.api.hap.HapLauncher;

  provides PluginProvider with org.sego.core.hv.NoneStrategyProvider;
}
