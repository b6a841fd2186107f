package org.sego.api.plugin;

import java.util.Map;
import org.sego.api.Experimental;
import org.sego.api.attack.Attack;
import org.sego.api.hap.HapProgram;

/**
 * Base for an attack plug-in: the attack, the victim HAP it targets, the property it targets (for
 * {@code claimed}), and the guest parameters it needs (memory pressure, swap). Untrusted: binds
 * nothing.
 */
@Experimental("adversary operations")
public abstract class AttackProvider implements PluginProvider {
  protected AttackProvider() {}

  @Override
  public final PluginKind kind() {
    return PluginKind.ATTACK;
  }

  /** The property attacked, as strategies name it in their claims ({@code confidentiality-ram}, {@code integrity}, {@code freshness}). */
  public abstract String property();

  public abstract Attack create(Parameters parameters, long seed);

  /** The victim HAP: it holds secret data with {@link org.sego.api.attack.Canaries} of this seed. */
  public abstract HapProgram victim(Parameters parameters, long seed);

  /** Pages of secret data the victim holds (for the canary set). */
  public abstract long secretPages(Parameters parameters);

  /** Guest kernel parameters the attack needs (for example a memory limit and swap). */
  public Map<String, Object> guestParameters(Parameters parameters) {
    return Map.of();
  }
}
