package org.sego.api.plugin;

import org.sego.api.Experimental;
import org.sego.api.hap.HapProgram;

/**
 * A victim of the trusted victim library: a HAP holding secret data with {@link
 * org.sego.api.attack.Canaries} of a seed only the judge knows. Discovery admits victims only from
 * the victim library's module ({@code org.sego.victims}); an attack names the victim it targets
 * ({@link org.sego.api.attack.Victim}) and never constructs one.
 */
@Experimental("adversary operations")
public abstract class VictimProvider implements PluginProvider {
  protected VictimProvider() {}

  @Override
  public final PluginKind kind() {
    return PluginKind.VICTIM;
  }

  /** The victim HAP, its secrets canaried with {@code canarySeed} (the judge's, never the attack's). */
  public abstract HapProgram program(Parameters parameters, long canarySeed);

  /** Pages of secret data the victim holds (the canary set the judge looks for). */
  public abstract long secretPages(Parameters parameters);
}
