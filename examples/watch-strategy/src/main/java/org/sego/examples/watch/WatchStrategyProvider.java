package org.sego.examples.watch;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

/** Strategy plug-in {@code watch} (see {@link WatchStrategy}). */
public final class WatchStrategyProvider implements PluginProvider {
  @Override
  public String name() {
    return "watch";
  }

  @Override
  public PluginKind kind() {
    return PluginKind.STRATEGY;
  }

  @Override
  public String description() {
    return "Example: write-protects a HAP's protected frames from the kernel and raises a violation on a kernel write";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(Parameter.bool("check-kernel-writes", true,
        "raise a violation when the kernel writes a frame the HAP maps (false: let the write through)"));
  }

  @Override
  public Module module(PluginConfig config) {
    WatchSettings settings = new WatchSettings(config.parameters().bool("check-kernel-writes"));
    return new AbstractModule() {
      @Override
      protected void configure() {
        bind(WatchSettings.class).toInstance(settings);
        bind(ProtectionStrategy.class).to(WatchStrategy.class);
      }
    };
  }
}
