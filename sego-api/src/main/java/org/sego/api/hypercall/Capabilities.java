package org.sego.api.hypercall;

import java.util.Set;
import java.util.TreeSet;
import org.sego.api.Experimental;

/**
 * Which hypervisor services a strategy offers, so the kernel never has to probe. Per-process
 * behaviour (whether a process's registers are scrubbed, whether a DMA may touch a frame) is not a
 * capability: the shell asks the strategy's per-process methods ({@code isProtected}, {@code
 * permitDma}) each time, and their defaults do nothing.
 */
@Experimental("grows with the strategies")
public record Capabilities(Set<String> services) {
  public static final String SWAP = "swap";
  public static final String SHARE = "share";
  public static final String COMPACT = "compact";
  public static final String SECURE_FILES = "secure-files";

  private static final Capabilities NONE = new Capabilities(Set.of());

  public Capabilities {
    services = Set.copyOf(new TreeSet<>(services));
  }

  public static Capabilities none() {
    return NONE;
  }

  public static Capabilities of(String... services) {
    return new Capabilities(Set.of(services));
  }

  public boolean offers(String service) {
    return services.contains(service);
  }
}
