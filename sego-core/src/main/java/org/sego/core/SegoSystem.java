package org.sego.core;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.sego.api.Experimental;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.compose.CostProfileFile;
import org.sego.core.compose.SpecValidator;
import org.sego.core.compose.SystemSpec;
import org.sego.core.compose.TomlSpecReader;
import org.sego.core.run.SystemRun;

/**
 * A validated system, composed in Java or read from TOML; both build the same spec tree and go
 * through the same validation, so a builder and a file that say the same thing are the same system.
 *
 * <pre>{@code
 * SegoSystem system = SegoSystem.builder()
 *     .strategy("none")
 *     .device("disk", "nvme", Map.of("size", "64 MiB", "queue-depth", 32))
 *     .seed(42)
 *     .build();
 * try (SystemRun run = system.start()) { ... }
 * }</pre>
 */
@Experimental("composition and lifecycle")
public final class SegoSystem {
  private final SystemSpec spec;
  private final Path baseDir;

  private SegoSystem(SystemSpec spec, Path baseDir) {
    this.spec = spec;
    this.baseDir = baseDir;
  }

  /** Validates a TOML spec; relative image paths resolve against the file's folder. */
  public static SegoSystem fromToml(Path file) {
    return fromToml(file, PluginRegistry.discover());
  }

  public static SegoSystem fromToml(Path file, PluginRegistry registry) {
    return fromToml(file, registry, null);
  }

  /** As {@link #fromToml(Path, PluginRegistry)}, with the {@code [workload]} name replaced when not null. */
  public static SegoSystem fromToml(Path file, PluginRegistry registry, String workload) {
    return fromToml(file, registry, workload, null, new java.util.ArrayList<>());
  }

  /**
   * As {@link #fromToml(Path, PluginRegistry)}, with the {@code [workload]} and {@code [strategy]}
   * names replaced where not null ({@link SpecValidator#withName}: parameters stay when the name is
   * the same, and {@code notes} says which were dropped when it is not).
   */
  public static SegoSystem fromToml(Path file, PluginRegistry registry, String workload, String strategy,
      java.util.List<String> notes) {
    return fromToml(file, registry, workload, strategy, null, notes);
  }

  /**
   * As above, with {@code system.cost-profile} replaced when {@code costProfile} is not null: a
   * profile plug-in's name or a TOML profile file (a relative file name resolves against the
   * working directory, as a command-line argument does).
   */
  public static SegoSystem fromToml(Path file, PluginRegistry registry, String workload, String strategy,
      String costProfile, java.util.List<String> notes) {
    Map<String, Object> tree = TomlSpecReader.read(file);
    if (costProfile != null) {
      tree = SpecValidator.withSystemValue(tree, "cost-profile", costProfileArgument(costProfile));
    }
    if (workload != null) {
      tree = SpecValidator.withName(tree, "workload", workload, notes);
    }
    if (strategy != null) {
      tree = SpecValidator.withName(tree, "strategy", strategy, notes);
    }
    Path dir = file.toAbsolutePath().getParent();
    return new SegoSystem(new SpecValidator(registry).relativeTo(dir).validate(file.toString(), tree), dir);
  }

  /** A {@code --cost-profile} argument as the spec takes it: a file name made absolute, a plug-in name as is. */
  public static String costProfileArgument(String value) {
    return CostProfileFile.isFile(value) ? Path.of(value).toAbsolutePath().toString() : value;
  }

  /** Validates a spec tree (as TOML or the builder would give it); relative paths resolve against the working directory. */
  public static SegoSystem fromTree(String source, Map<String, Object> tree, PluginRegistry registry) {
    return new SegoSystem(new SpecValidator(registry).validate(source, tree), Path.of("").toAbsolutePath());
  }

  public static Builder builder() {
    return new Builder(null);
  }

  public static Builder builder(PluginRegistry registry) {
    return new Builder(registry);
  }

  public SystemSpec spec() {
    return spec;
  }

  /** Composes and starts the trusted side; no trace. */
  public SystemRun start() {
    return SystemRun.start(spec, baseDir, null);
  }

  /** Composes and starts the trusted side, writing the trace (if the spec asks) into {@code outDir}. */
  public SystemRun start(Path outDir) {
    return SystemRun.start(spec, baseDir, outDir.resolve("trace.jsonl"));
  }

  /** Builds the spec tree a TOML file would hold. */
  public static final class Builder {
    private final PluginRegistry registry;
    private final Map<String, Object> system = new LinkedHashMap<>();
    private final Map<String, Object> strategy = new LinkedHashMap<>();
    private final Map<String, Object> devices = new TreeMap<>();
    private final Map<String, Object> guest = new LinkedHashMap<>();
    private final Map<String, Object> workload = new LinkedHashMap<>();
    private Path baseDir = Path.of("").toAbsolutePath();

    private Builder(PluginRegistry registry) {
      this.registry = registry;
    }

    /** Sets a key of the {@code [system]} table ({@code "memory"}, {@code "time-slice"}, ...). */
    public Builder system(String key, Object value) {
      system.put(key, value);
      return this;
    }

    public Builder seed(long seed) {
      return system("seed", seed);
    }

    public Builder vcpus(int vcpus) {
      return system("vcpus", vcpus);
    }

    public Builder memory(String size) {
      return system("memory", size);
    }

    public Builder costProfile(String name) {
      return system("cost-profile", name);
    }

    /** The guest kernel plug-in and its parameters ({@code [guest]}). */
    public Builder guest(String name, Map<String, ?> parameters) {
      guest.clear();
      guest.put("name", name);
      guest.putAll(parameters);
      return this;
    }

    /** The workload plug-in and its parameters ({@code [workload]}). */
    public Builder workload(String name, Map<String, ?> parameters) {
      workload.clear();
      workload.put("name", name);
      workload.putAll(parameters);
      return this;
    }

    /** Runs the workload as a HAP on the trusted library ({@code [workload] as-hap}); call after {@link #workload}. */
    public Builder workloadAsHap(boolean asHap) {
      workload.put("as-hap", asHap);
      return this;
    }

    public Builder strategy(String name) {
      return strategy(name, Map.of());
    }

    public Builder strategy(String name, Map<String, ?> parameters) {
      strategy.clear();
      strategy.put("name", name);
      strategy.putAll(parameters);
      return this;
    }

    /** Adds device {@code name} with timing model {@code model}; parameters mix volume and model keys. */
    public Builder device(String name, String model, Map<String, ?> parameters) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("model", model);
      d.putAll(parameters);
      devices.put(name, d);
      return this;
    }

    /** Folder that relative image paths resolve against (default: the working directory). */
    public Builder baseDir(Path dir) {
      this.baseDir = dir;
      return this;
    }

    /** The spec tree, as TOML would give it. */
    public Map<String, Object> tree() {
      Map<String, Object> t = new LinkedHashMap<>();
      if (!system.isEmpty()) {
        t.put("system", new LinkedHashMap<>(system));
      }
      if (!strategy.isEmpty()) {
        t.put("strategy", new LinkedHashMap<>(strategy));
      }
      if (!devices.isEmpty()) {
        t.put("devices", new TreeMap<>(devices));
      }
      if (!guest.isEmpty()) {
        t.put("guest", new LinkedHashMap<>(guest));
      }
      if (!workload.isEmpty()) {
        t.put("workload", new LinkedHashMap<>(workload));
      }
      return t;
    }

    /** @throws org.sego.core.compose.SpecException listing every problem */
    public SegoSystem build() {
      PluginRegistry r = registry == null ? PluginRegistry.discover() : registry;
      return new SegoSystem(new SpecValidator(r).relativeTo(baseDir).validate("builder", tree()), baseDir);
    }
  }
}
