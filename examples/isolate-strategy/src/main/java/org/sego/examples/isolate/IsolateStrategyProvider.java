package org.sego.examples.isolate;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

/** Strategy plug-in {@code isolate} (see {@link IsolateStrategy}). */
public final class IsolateStrategyProvider implements PluginProvider {
  @Override
  public String name() {
    return "isolate";
  }

  @Override
  public PluginKind kind() {
    return PluginKind.STRATEGY;
  }

  @Override
  public String description() {
    return "Example: denies the OS every frame of a HAP's protected memory and swaps, copies, zeroes, shares and moves them for the kernel by hypercall";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of();
  }

  @Override
  public Module module(PluginConfig config) {
    return new AbstractModule() {
      @Override
      protected void configure() {
        bind(ProtectionStrategy.class).to(IsolateStrategy.class);
      }
    };
  }
}
