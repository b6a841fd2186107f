package org.sego.api.hypercall;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.sego.api.Experimental;

/**
 * Which hypervisor services a strategy offers, so the kernel never has to probe, and which of the
 * trusted library's checks of the kernel's answers (Iago defences) it enables — the library has no
 * parameters of its own: what its trusted view can answer is the strategy's to say. Per-process
 * behaviour (scrubbing, DMA) is not a capability: the shell asks the strategy each time.
 */
@Experimental("grows with the strategies")
public record Capabilities(Set<String> services, Set<String> libraryChecks) {
  public static final String SWAP = "swap";
  public static final String SHARE = "share";
  public static final String COMPACT = "compact";
  public static final String SECURE_FILES = "secure-files";
  public static final String PAGE_TABLES = "page-tables";
  public static final String COPY = "copy";
  public static final String RELEASE = "release";
  public static final String ZERO = "zero";
  public static final String BLOCK_COPY = "block-copy";

  /** The trusted library's checks, by name. */
  public static final String CHECK_MMAP_RESULT = "mmap-result";
  public static final String CHECK_BRK_RESULT = "brk-result";
  public static final String CHECK_RANDOM_LENGTH = "getrandom-length";
  public static final String CHECK_PID_STABLE = "getpid-stable";
  public static final List<String> LIBRARY_CHECKS =
      List.of(CHECK_MMAP_RESULT, CHECK_BRK_RESULT, CHECK_RANDOM_LENGTH, CHECK_PID_STABLE);

  private static final Capabilities NONE = new Capabilities(Set.of(), Set.of());

  public Capabilities {
    services = Set.copyOf(new TreeSet<>(services));
    libraryChecks = Set.copyOf(new TreeSet<>(libraryChecks));
    for (String c : libraryChecks) {
      if (!LIBRARY_CHECKS.contains(c)) {
        throw new IllegalArgumentException("unknown library check '" + c + "'; the trusted library has " + LIBRARY_CHECKS);
      }
    }
  }

  public static Capabilities none() {
    return NONE;
  }

  /** {@code services}, and no library checks. */
  public static Capabilities of(String... services) {
    return new Capabilities(Set.of(services), Set.of());
  }

  /** The same services, with the library checks {@code checks} enabled. */
  public Capabilities withLibraryChecks(Set<String> checks) {
    return new Capabilities(services, checks);
  }

  public boolean offers(String service) {
    return services.contains(service);
  }

  public boolean checks(String libraryCheck) {
    return libraryChecks.contains(libraryCheck);
  }
}
