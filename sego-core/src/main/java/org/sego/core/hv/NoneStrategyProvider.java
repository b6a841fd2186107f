package org.sego.core.hv;

import com.google.inject.Module;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

/** Strategy plug-in {@code none}. */
public final class NoneStrategyProvider implements PluginProvider {
  @Override
  public String name() {
    return "none";
  }

  @Override
  public PluginKind kind() {
    return PluginKind.STRATEGY;
  }

  @Override
  public String description() {
    return "No protection: the kernel sees plaintext, the hypervisor scrubs nothing and mediates nothing (the baseline)";
  }

  @Override
  public Module module(PluginConfig config) {
    return binder -> binder.bind(ProtectionStrategy.class).toInstance(new NoneStrategy());
  }
}
