package org.sego.api.cost;

import java.util.Collections;
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
