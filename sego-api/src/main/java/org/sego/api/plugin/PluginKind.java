package org.sego.api.plugin;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.sego.api.Stable;

/** What a plug-in is. Trusted kinds contribute Guice bindings; untrusted kinds never do. */
@Stable(since = "0.1")
public enum PluginKind {
  STRATEGY("strategy", true),
  GUEST("guest", false),
  DEVICE("device", true),
  COST_PROFILE("cost-profile", true),
  WORKLOAD("workload", false),
  ATTACK("attack", false),
  /**
   * A victim HAP the judge runs attacks against. Victims are trusted code, but bind nothing: only
   * the trusted victim library's module ({@code org.sego.victims}) may provide them, so an attack
   * can never share state with its victim.
   */
  VICTIM("victim", false);

  private final String id;
  private final boolean trusted;

  PluginKind(String id, boolean trusted) {
    this.id = id;
    this.trusted = trusted;
  }

  /** The name used on the command line and in JSON: {@code strategy}, {@code cost-profile}, ... */
  public String id() {
    return id;
  }

  /** Whether plug-ins of this kind are composed by Guice on the trusted side. */
  public boolean trusted() {
    return trusted;
  }

  public static PluginKind fromId(String id) {
    for (PluginKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown plug-in kind '" + id + "'; accepted: " + ids());
  }

  public static String ids() {
    return Arrays.stream(values()).map(PluginKind::id).collect(Collectors.joining(", "));
  }
}
