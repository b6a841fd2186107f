package org.sego.api.plugin;

import java.util.Map;
import java.util.Optional;
import org.sego.api.Experimental;
import org.sego.api.attack.Attack;
import org.sego.api.attack.Victim;
import org.sego.api.hv.Claim;

/**
 * Base for an attack plug-in: the attack, the victim of the trusted victim library it targets, the
 * property it targets (for {@code claimed}), which adversary it is, and the guest parameters it
 * needs (memory pressure, swap). Untrusted: binds nothing, never sees the victim's program or the
 * canary seed, and cannot choose the guest kernel.
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

  /**
   * The attack, built for one judged run. {@code seed} is the attack's own (derived from the
   * system's seed); the victim's canaries come from another seed the attack never sees.
   */
  public abstract Attack create(Parameters parameters, long seed);

  /** The victim it targets, from the trusted victim library, with the victim's parameters. */
  public abstract Victim victim(Parameters parameters);

  /**
   * Which adversary this is: {@link Claim.Adversary#GUEST_OS} (a malicious kernel, the default) or
   * {@link Claim.Adversary#PHYSICAL} (also physical access: {@link
   * org.sego.api.attack.AdversaryOps#physical()} is present). Claims are judged against it.
   */
  public Claim.Adversary adversary() {
    return Claim.Adversary.GUEST_OS;
  }

  /**
   * The check of the strategy under attack that this attack targets, for an attack on a strategy's
   * own mechanism (its hypervisor store, its hypercalls): its baseline is then that strategy with
   * that check switched off, instead of {@code none}. Empty by default.
   */
  public Optional<String> targetedCheck() {
    return Optional.empty();
  }

  /**
   * Guest kernel parameters the attack needs (for example a memory limit and swap). They may not
   * name the kernel ({@code name}): the spec's guest kernel is the one attacked.
   */
  public Map<String, Object> guestParameters(Parameters parameters) {
    return Map.of();
  }
}
