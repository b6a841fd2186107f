package org.sego.examples.isolate;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.plugin.Parameter;
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
    return ParameterSchema.of(Parameter.choice("user-writes", "bounce",
        "how the kernel writes system-call results into a HAP's memory: into the library's bounce buffer itself, or by user-write hypercall",
        "bounce", "hypercall"));
  }

  @Override
  public Module module(PluginConfig config) {
    IsolateSettings settings = new IsolateSettings(config.parameters().string("user-writes").equals("hypercall"));
    return new AbstractModule() {
      @Override
      protected void configure() {
        bind(IsolateSettings.class).toInstance(settings);
        bind(ProtectionStrategy.class).to(IsolateStrategy.class);
      }
    };
  }
}
