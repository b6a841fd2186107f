package org.sego.api.cost;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.sego.api.Stable;
import org.sego.api.units.Bandwidth;
import org.sego.api.units.Duration;

/**
 * CPU, crypto and hypervisor costs of one era, plus the default parameters of the device models.
 * Keys of device defaults are {@code <device-plugin>.<parameter>} ({@code nvme.bandwidth}); an
 * explicit device parameter wins over them. Every figure names its source, and {@code
 * config.json} records each one.
 */
@Stable(since = "0.1")
public final class CostProfile {
  /** Keys every profile defines; strategies and the core read them. */
  public static final String CPU_OPS_PER_US = "cpu.ops-per-us";
  public static final String CPU_COPY = "cpu.copy";
  public static final String CPU_ZERO = "cpu.zero";
  public static final String CPU_SYSCALL = "cpu.syscall";
  public static final String CPU_PAGE_FAULT = "cpu.page-fault";
  public static final String CPU_CONTEXT_SWITCH = "cpu.context-switch";
  public static final String MEM_WALK_STEP = "mem.walk-step";
  public static final String HV_VMEXIT = "hv.vmexit";
  public static final String HV_HYPERCALL = "hv.hypercall";
  public static final String CRYPTO_AES_GCM = "crypto.aes-gcm";
  public static final String CRYPTO_AES_CBC = "crypto.aes-cbc";
  public static final String CRYPTO_SHA256 = "crypto.sha256";
  public static final String CRYPTO_HMAC_SHA256 = "crypto.hmac-sha256";
  /** Added for the strategies (issue 8): figures both built-in profiles define. */
  public static final String CRYPTO_AES_CTR = "crypto.aes-ctr";
  public static final String CRYPTO_CHACHA20_POLY1305 = "crypto.chacha20-poly1305";
  /** SHA-256 with the SHA extensions; {@link #CRYPTO_SHA256} is the era's usual implementation. */
  public static final String CRYPTO_SHA256_SHA_NI = "crypto.sha256-sha-ni";
  public static final String CRYPTO_BLAKE3 = "crypto.blake3";
  /** Per-call crypto set-up: key schedule, nonce and cipher initialisation, tag finalisation. */
  public static final String CRYPTO_SETUP = "crypto.setup";
  /** Switching a vCPU's EPT view: a VM exit and entry, or a VMFUNC, as the profile says. */
  public static final String HV_VIEW_SWITCH = "hv.view-switch";
  /** An EPT change that needs a TLB invalidation (INVEPT single-context). */
  public static final String HV_EPT_INVALIDATION = "hv.ept-invalidation";
  /** Splitting a 2 MiB EPT entry into 512 4 KiB entries. */
  public static final String HV_EPT_SPLINTER = "hv.ept-splinter";
  /** A page copy by the hypervisor (bandwidth). */
  public static final String HV_COPY = "hv.copy";
  /** Scrubbing a frame before the OS gets it back (bandwidth). */
  public static final String HV_SCRUB = "hv.scrub";
  /** Appending one record to the hypervisor's metadata store in memory (the device write is the device's). */
  public static final String HV_METADATA_RECORD = "hv.metadata-record";
  /** Guest kernel work: copying one page-table entry at fork. */
  public static final String GUEST_FORK_PTE = "guest.fork-pte";
  /** Guest kernel work: examining one page on the reclaim LRU. */
  public static final String GUEST_RECLAIM_SCAN = "guest.reclaim-scan";
  /** Guest kernel work: examining one frame in a compaction scan. */
  public static final String GUEST_COMPACTION_SCAN = "guest.compaction-scan";
  /** Guest kernel work: hashing pages in the page-sharing scanner (bandwidth). */
  public static final String GUEST_PAGE_HASH = "guest.page-hash";
  /** Guest kernel work: setting up a new mapping (mmap). */
  public static final String GUEST_MMAP = "guest.mmap";
  /** Guest kernel work: examining one block-map entry when a file is truncated or freed. */
  public static final String GUEST_FS_MAP_ENTRY = "guest.fs-map-entry";
  /** Guest kernel work: boot up to the first process. */
  public static final String GUEST_BOOT = "guest.boot";

  /** What a figure's value is. */
  public enum Kind {
    DURATION,
    BANDWIDTH,
    COUNT
  }

  /** Every key a profile must define, with the kind of its value. */
  public static final Map<String, Kind> REQUIRED = required();

  private static Map<String, Kind> required() {
    Map<String, Kind> m = new TreeMap<>();
    for (String k : List.of(CPU_SYSCALL, CPU_PAGE_FAULT, CPU_CONTEXT_SWITCH, MEM_WALK_STEP, HV_VMEXIT, HV_HYPERCALL,
        CRYPTO_SETUP, HV_VIEW_SWITCH, HV_EPT_INVALIDATION, HV_EPT_SPLINTER, HV_METADATA_RECORD, GUEST_FORK_PTE,
        GUEST_RECLAIM_SCAN, GUEST_COMPACTION_SCAN, GUEST_MMAP, GUEST_BOOT, GUEST_FS_MAP_ENTRY)) {
      m.put(k, Kind.DURATION);
    }
    for (String k : List.of(CPU_COPY, CPU_ZERO, CRYPTO_AES_GCM, CRYPTO_AES_CBC, CRYPTO_SHA256, CRYPTO_HMAC_SHA256,
        CRYPTO_AES_CTR, CRYPTO_CHACHA20_POLY1305, CRYPTO_SHA256_SHA_NI, CRYPTO_BLAKE3, HV_COPY, HV_SCRUB, GUEST_PAGE_HASH)) {
      m.put(k, Kind.BANDWIDTH);
    }
    m.put(CPU_OPS_PER_US, Kind.COUNT);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Every problem of this profile: a required figure missing, or a value that is not of its kind
   * ({@code "3 GB/s"} for a bandwidth, {@code "20 us"} for a duration, a whole number for a count).
   */
  public List<String> problems() {
    List<String> out = new java.util.ArrayList<>(missing());
    out.addAll(wrongKinds());
    return out;
  }

  /** A problem for each required figure this profile lacks. */
  public List<String> missing() {
    List<String> out = new java.util.ArrayList<>();
    for (Map.Entry<String, Kind> e : REQUIRED.entrySet()) {
      if (!figures.containsKey(e.getKey())) {
        out.add("figure '" + e.getKey() + "' is missing (a " + e.getValue().name().toLowerCase(java.util.Locale.ROOT) + ")");
      }
    }
    return out;
  }

  /** A problem for each required figure this profile gives in the wrong kind. */
  public List<String> wrongKinds() {
    List<String> out = new java.util.ArrayList<>();
    for (Map.Entry<String, Kind> e : REQUIRED.entrySet()) {
      CostFigure f = figures.get(e.getKey());
      if (f == null) {
        continue;
      }
      try {
        switch (e.getValue()) {
          case DURATION:
            Duration.parse(f.value());
            break;
          case BANDWIDTH:
            Bandwidth.parse(f.value());
            break;
          default:
            Long.parseLong(f.value().trim());
        }
      } catch (RuntimeException ex) {
        out.add("figure '" + e.getKey() + "': " + ex.getMessage());
      }
    }
    return out;
  }

  private final String name;
  private final Map<String, CostFigure> figures;

  public CostProfile(String name, Map<String, CostFigure> figures) {
    this.name = name;
    this.figures = Collections.unmodifiableMap(new TreeMap<>(figures));
  }

  public String name() {
    return name;
  }

  /** Every figure, sorted by key. */
  public Map<String, CostFigure> figures() {
    return figures;
  }

  public CostFigure figure(String key) {
    CostFigure f = figures.get(key);
    if (f == null) {
      throw new IllegalArgumentException(
          "cost profile '" + name + "' has no figure '" + key + "'; it has " + figures.keySet());
    }
    return f;
  }

  public Duration duration(String key) {
    return Duration.parse(figure(key).value());
  }

  public Bandwidth bandwidth(String key) {
    return Bandwidth.parse(figure(key).value());
  }

  public long count(String key) {
    return Long.parseLong(figure(key).value().trim());
  }

  /** The default this profile gives a device parameter, if any. */
  public Optional<String> deviceDefault(String plugin, String parameter) {
    return Optional.ofNullable(figures.get(plugin + "." + parameter)).map(CostFigure::value);
  }
}
