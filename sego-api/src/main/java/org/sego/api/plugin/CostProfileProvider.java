package org.sego.api.plugin;

import com.google.inject.Module;
import org.sego.api.Stable;
import org.sego.api.cost.CostProfile;

/** Base for a cost profile plug-in: the profile is data, so its module only binds it. */
@Stable(since = "0.1")
public abstract class CostProfileProvider implements PluginProvider {
  protected CostProfileProvider() {}

  @Override
  public final PluginKind kind() {
    return PluginKind.COST_PROFILE;
  }

  /** The profile's figures, each with its source. */
  public abstract CostProfile profile();

  /**
   * Binds the run's profile: this one's figures, with any the spec's {@code [costs]} table put over
   * them (the orchestrator passes that profile in {@code config}).
   */
  @Override
  public final Module module(PluginConfig config) {
    CostProfile p = config.costProfile() != null ? config.costProfile() : profile();
    return binder -> binder.bind(CostProfile.class).toInstance(p);
  }
}
