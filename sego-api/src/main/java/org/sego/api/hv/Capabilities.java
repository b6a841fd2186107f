package org.sego.api.hv;

import java.util.Set;
import java.util.TreeSet;
import org.sego.api.Experimental;

/**
 * Which hypervisor services a strategy offers, so the kernel never has to probe, and whether the
 * hypervisor shell must scrub registers on kernel entry from a HAP.
 */
@Experimental("grows with the strategies")
public record Capabilities(Set<String> services, boolean scrubsRegisters, boolean mediatesDma) {
  public static final String SWAP = "swap";
  public static final String SHARE = "share";
  public static final String COMPACT = "compact";
  public static final String SECURE_FILES = "secure-files";

  public Capabilities {
    services = Set.copyOf(new TreeSet<>(services));
  }

  public static Capabilities none() {
    return new Capabilities(Set.of(), false, false);
  }

  public boolean offers(String service) {
    return services.contains(service);
  }
}
