package org.sego.api.hypercall;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sego.api.Experimental;
import org.sego.api.guest.KernelUserWrite;

/**
 * Which hypervisor services a strategy offers, so the kernel never has to probe, and which of the
 * trusted library's checks of the kernel's answers (Iago defences) it enables — the library has no
 * parameters of its own: what its trusted view can answer is the strategy's to say. Per-process
 * behaviour (scrubbing, DMA) is not a capability: the shell asks the strategy each time.
 */
@Experimental("grows with the strategies")
public record Capabilities(Set<String> services, Set<String> libraryChecks,
    Map<KernelUserWrite, KernelUserWrite.Handling> userWrites) {
  public static final String SWAP = "swap";
  public static final String SHARE = "share";
  public static final String COMPACT = "compact";
  public static final String SECURE_FILES = "secure-files";
  public static final String PAGE_TABLES = "page-tables";
  public static final String COPY = "copy";
  public static final String RELEASE = "release";
  public static final String ZERO = "zero";
  public static final String BLOCK_COPY = "block-copy";
  /** The kernel may send several of its hypercalls in one ({@link KernelHypercalls.Batch}): one exit for all. */
  public static final String BATCH = "batch";
  /**
   * Two exits per swap round trip instead of four: the hypervisor installs the page's entry
   * carried by {@link KernelHypercalls.SwapInPage#pte} once the read's bytes have arrived (checked
   * as {@code install-pte} would be), and gives back (scrubbed) a frame whose {@link
   * KernelHypercalls.SwapOutPage} asked for it ({@code releaseAtWrite}) when its write completed,
   * so the kernel sends neither an {@code install-pte} after the read nor a {@code release} after
   * the write.
   */
  public static final String SWAP_FOLDED = "swap-folded";

  /** The trusted library's checks, by name. */
  public static final String CHECK_MMAP_RESULT = "mmap-result";
  public static final String CHECK_BRK_RESULT = "brk-result";
  public static final String CHECK_RANDOM_LENGTH = "getrandom-length";
  public static final String CHECK_PID_STABLE = "getpid-stable";
  public static final String CHECK_IO_LENGTH = "io-length";
  public static final String CHECK_FILE_LENGTH = "file-length";
  public static final String CHECK_LSEEK_RESULT = "lseek-result";
  public static final String CHECK_CLOCK_MONOTONIC = "clock-monotonic";
  public static final String CHECK_RANDOM_SOURCE = "getrandom-hypervisor";
  public static final String CHECK_NAMESPACE = "secure-namespace";
  public static final String CHECK_UNMAP_DONE = "munmap-done";
  public static final String CHECK_PROTECT_DONE = "mprotect-done";
  /** Not a check of an answer but the library's S-file rule: each secure-file write is durable before it returns. */
  public static final String CHECK_SYNC_EACH_WRITE = "sfile-sync-write";
  /** Not a check either: the S-file rule that a secure file never shrinks (a truncate below its length is refused with EINVAL). */
  public static final String CHECK_NO_SHRINK = "sfile-no-shrink";

  /**
   * The trusted library's checks as data: name, and what it refuses. A strategy enables those its
   * trusted view can answer; each one's off-switch is leaving it out of {@link #libraryChecks()}.
   */
  public static final Map<String, String> LIBRARY_CHECK_DESCRIPTIONS = descriptions(
      CHECK_MMAP_RESULT, "an mmap result that is unaligned, outside user space or over the HAP's secure memory",
      CHECK_BRK_RESULT, "a brk result that is negative or ends inside the HAP's secure memory",
      CHECK_RANDOM_LENGTH, "getrandom claiming more bytes than were asked for",
      CHECK_PID_STABLE, "getpid answering a different pid than it first did",
      CHECK_IO_LENGTH, "read, write, pread, pwrite or readdir claiming more bytes than the buffer holds",
      CHECK_FILE_LENGTH, "a secure file's length from lseek shorter than the length the hypervisor keeps",
      CHECK_LSEEK_RESULT, "lseek answering a negative offset, or with SEEK_SET another offset than the one asked for",
      CHECK_CLOCK_MONOTONIC, "the clock going backwards",
      CHECK_RANDOM_SOURCE, "randomness from the kernel: getrandom is served by the hypervisor's entropy hypercall instead",
      CHECK_NAMESPACE, "open, stat, unlink or rename answering ENOENT for a name the hypervisor binds to a secure file, stat a size shorter than the hypervisor's length, or a directory listing (readdir to its end) leaving out a secure file the hypervisor binds there",
      CHECK_UNMAP_DONE, "munmap reported done while the HAP's page tables still map the range (checked by the hypervisor)",
      CHECK_PROTECT_DONE, "mprotect reported done while the HAP's page tables still map the range writable (or at all, for PROT_NONE)",
      CHECK_SYNC_EACH_WRITE, "a secure-file write returning before it is durable: each is synced and confirmed (S-files' sync rule)",
      CHECK_NO_SHRINK, "a truncate that would shrink a secure file: refused with EINVAL (S-files' no-shrink rule)");

  public static final List<String> LIBRARY_CHECKS = List.copyOf(LIBRARY_CHECK_DESCRIPTIONS.keySet());

  private static Map<String, String> descriptions(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }

  private static final Capabilities NONE = new Capabilities(Set.of(), Set.of());

  /** {@code services} and {@code libraryChecks}, every kernel write into user memory {@code DIRECT}. */
  public Capabilities(Set<String> services, Set<String> libraryChecks) {
    this(services, libraryChecks, Map.of());
  }

  public Capabilities {
    java.util.EnumMap<KernelUserWrite, KernelUserWrite.Handling> w = new java.util.EnumMap<>(KernelUserWrite.class);
    for (KernelUserWrite path : KernelUserWrite.values()) {
      w.put(path, userWrites.getOrDefault(path, KernelUserWrite.Handling.DIRECT));
    }
    userWrites = Collections.unmodifiableMap(w);
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
    return new Capabilities(services, checks, userWrites);
  }

  /** The same, with the strategy's handling of each kernel write into user memory (the shell asks it). */
  public Capabilities withUserWrites(Map<KernelUserWrite, KernelUserWrite.Handling> handling) {
    return new Capabilities(services, libraryChecks, handling);
  }

  /** How the kernel writes into user memory on {@code path}: itself ({@code DIRECT}, {@code BOUNCE}) or by {@code user-write} hypercall. */
  public KernelUserWrite.Handling userWrite(KernelUserWrite path) {
    return userWrites.get(path);
  }

  public boolean offers(String service) {
    return services.contains(service);
  }

  public boolean checks(String libraryCheck) {
    return libraryChecks.contains(libraryCheck);
  }
}
