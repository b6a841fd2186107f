package org.sego.core.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.sego.api.Experimental;
import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

/**
 * Validates a spec tree (from TOML or the builder) against the schemas of the chosen plug-ins,
 * collecting every problem before failing, and resolves defaults: an explicit value wins, then the
 * cost profile's device default, then the schema's default.
 */
@Experimental("composition and lifecycle")
public final class SpecValidator {
  private final PluginRegistry registry;
  private final List<SpecProblem> problems = new ArrayList<>();

  private Path baseDir = Path.of("");

  /** Relative file names in the spec (a cost-profile file) resolve against {@code dir}. */
  public SpecValidator relativeTo(Path dir) {
    this.baseDir = dir;
    return this;
  }

  public SpecValidator(PluginRegistry registry) {
    this.registry = registry;
  }

  /** @throws SpecException listing every problem of the spec */
  public SystemSpec validate(String source, Map<String, Object> tree) {
    problems.clear();
    for (String key : tree.keySet()) {
      if (!SystemSchema.TABLES.contains(key)) {
        problems.add(new SpecProblem(key, null, "unknown table; accepted: " + String.join(", ", SystemSchema.TABLES)));
      }
    }
    Map<String, Object> systemTable = table(tree, "system");
    ParameterSchema systemSchema = SystemSchema.system(registry.names(PluginKind.COST_PROFILE));
    Parameters system = resolve("system", systemTable, systemSchema, null, null, List.of());

    PluginProvider costProvider = null;
    CostProfile cost = null;
    if (system.asMap().containsKey("cost-profile")) {
      String named = system.string("cost-profile");
      if (CostProfileFile.isFile(named)) {
        costProvider = CostProfileFile.load(baseDir.resolve(named), "system.cost-profile", registry, problems);
      } else {
        costProvider = registry.find(PluginKind.COST_PROFILE, named).orElse(null);
        if (costProvider == null) {
          problems.add(new SpecProblem("system.cost-profile", named, "no such cost profile; accepted: "
              + registry.names(PluginKind.COST_PROFILE) + ", or a TOML profile file ending in .toml"));
        }
      }
      if (costProvider instanceof CostProfileProvider) {
        cost = ((CostProfileProvider) costProvider).profile();
      } else if (costProvider != null) {
        problems.add(new SpecProblem("system.cost-profile", costProvider.name(),
            "plug-in " + PluginRegistry.describe(costProvider) + " does not extend CostProfileProvider"));
      }
    }

    Map<String, Object> costs = table(tree, "costs");
    if (!costs.isEmpty() && cost != null) {
      cost = CostProfileFile.withOverrides(cost, costs, registry, problems);
    }

    Component strategy = strategy(table(tree, "strategy"), cost);
    List<DeviceSpec> devices = devices(table(tree, "devices"), cost);
    Optional<Component> guest = untrusted(tree, "guest", PluginKind.GUEST);
    Optional<Component> workload = untrusted(tree, "workload", PluginKind.WORKLOAD);

    if (!problems.isEmpty()) {
      throw new SpecException(source, problems);
    }
    SystemSpec partial = new SystemSpec(source, system, costProvider, cost, strategy, devices, guest, workload, Map.of());
    return new SystemSpec(source, system, costProvider, cost, strategy, devices, guest, workload,
        ResolvedTree.of(partial));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> table(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    if (v == null) {
      return Map.of();
    }
    if (v instanceof Map) {
      return (Map<String, Object>) v;
    }
    problems.add(new SpecProblem(key, v, "must be a table ([" + key + "])"));
    return Map.of();
  }

  private Component strategy(Map<String, Object> table, CostProfile cost) {
    List<String> names = registry.names(PluginKind.STRATEGY);
    Object name = table.getOrDefault("name", "none");
    Optional<PluginProvider> p = registry.find(PluginKind.STRATEGY, String.valueOf(name));
    if (p.isEmpty()) {
      problems.add(new SpecProblem("strategy.name", name, "no such strategy; accepted: " + String.join(", ", names)));
      return null;
    }
    Parameters params = resolve("strategy", table, p.get().parameters(), p.get(), cost, List.of("name"));
    return new Component("system.strategy", p.get(), params);
  }

  /** An optional {@code [guest]} or {@code [workload]} table: a plug-in name and its parameters. */
  private Optional<Component> untrusted(Map<String, Object> tree, String key, PluginKind kind) {
    if (!tree.containsKey(key)) {
      return Optional.empty();
    }
    Map<String, Object> table = table(tree, key);
    List<String> names = registry.names(kind);
    Object name = table.get("name");
    if (name == null) {
      problems.add(new SpecProblem(key + ".name", null, "missing; accepted: " + String.join(", ", names)));
      return Optional.empty();
    }
    Optional<PluginProvider> p = registry.find(kind, name.toString());
    if (p.isEmpty()) {
      problems.add(new SpecProblem(key + ".name", name, "no such " + kind.id() + "; accepted: "
          + (names.isEmpty() ? "none installed" : String.join(", ", names))));
      return Optional.empty();
    }
    boolean workload = kind == PluginKind.WORKLOAD;
    Object asHap = table.get("as-hap");
    if (workload && asHap != null && !(asHap instanceof Boolean)) {
      problems.add(new SpecProblem(key + ".as-hap", asHap, "expected true (run as a HAP on the trusted library) or false"));
    }
    Parameters params = resolve(key, table, p.get().parameters(), p.get(), null,
        workload ? List.of("name", "as-hap") : List.of("name"));
    return Optional.of(new Component("system." + key, p.get(), params, Boolean.TRUE.equals(asHap)));
  }

  /** Validates and resolves one plug-in's parameters on their own (for an attack's parameters). */
  public Parameters resolveParameters(String prefix, PluginProvider plugin, Map<String, Object> values) {
    problems.clear();
    Parameters p = resolve(prefix, values, plugin.parameters(), plugin, null, List.of());
    if (!problems.isEmpty()) {
      throw new SpecException(prefix, problems);
    }
    return p;
  }

  /** A copy of {@code tree} with {@code [system]} key {@code key} set to {@code value}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> withSystemValue(Map<String, Object> tree, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    Map<String, Object> system = new LinkedHashMap<>();
    if (tree.get("system") instanceof Map) {
      system.putAll((Map<String, Object>) tree.get("system"));
    }
    system.put(key, value);
    copy.put("system", system);
    return copy;
  }

  /**
   * A copy of {@code tree} whose {@code [table]} names {@code name} (a command line's {@code
   * --workload} or {@code --strategy}). When the table already names it, its parameters stay; when it
   * names another plug-in, its parameters belong to that one and are dropped, and {@code notes} says
   * which.
   */
  public static Map<String, Object> withName(Map<String, Object> tree, String table, String name, List<String> notes) {
    Map<String, Object> copy = new LinkedHashMap<>(tree);
    @SuppressWarnings("unchecked")
    Map<String, Object> t = tree.get(table) instanceof Map ? new LinkedHashMap<>((Map<String, Object>) tree.get(table))
        : new LinkedHashMap<>();
    Object old = t.get("name");
    if (!name.equals(old)) {
      // as-hap belongs to the table, not to the plug-in: it stays.
      Object asHap = table.equals("workload") ? t.get("as-hap") : null;
      List<String> dropped = new ArrayList<>(new TreeMap<>(t).keySet());
      dropped.remove("name");
      dropped.remove("as-hap");
      if (!dropped.isEmpty()) {
        notes.add("[" + table + "] parameters of '" + old + "' dropped (" + String.join(", ", dropped) + "): --" + table
            + " names '" + name + "', whose parameters take their defaults");
      }
      t.clear();
      if (asHap != null) {
        t.put("as-hap", asHap);
      }
    }
    t.put("name", name);
    copy.put(table, t);
    return copy;
  }

  private List<DeviceSpec> devices(Map<String, Object> table, CostProfile cost) {
    List<DeviceSpec> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : new TreeMap<>(table).entrySet()) {
      String name = e.getKey();
      String key = "devices." + name;
      if (!name.matches("[a-z][a-z0-9-]*")) {
        problems.add(new SpecProblem(key, null, "device names are lower-case kebab-case ([a-z][a-z0-9-]*)"));
        continue;
      }
      Map<String, Object> dev = table(table, name);
      Object model = dev.get("model");
      List<String> models = registry.names(PluginKind.DEVICE);
      if (model == null) {
        problems.add(new SpecProblem(key + ".model", null, "missing; accepted: " + String.join(", ", models)));
        continue;
      }
      Optional<PluginProvider> p = registry.find(PluginKind.DEVICE, model.toString());
      if (p.isEmpty()) {
        problems.add(new SpecProblem(key + ".model", model, "no such device model; accepted: " + String.join(", ", models)));
        continue;
      }
      ParameterSchema volumeSchema = SystemSchema.volume();
      Map<String, Object> volumeValues = new LinkedHashMap<>();
      Map<String, Object> modelValues = new LinkedHashMap<>();
      List<String> accepted = new ArrayList<>(List.of("model"));
      accepted.addAll(volumeSchema.names());
      accepted.addAll(p.get().parameters().names());
      for (Map.Entry<String, Object> kv : dev.entrySet()) {
        if (kv.getKey().equals("model")) {
          continue;
        }
        if (volumeSchema.find(kv.getKey()).isPresent()) {
          volumeValues.put(kv.getKey(), kv.getValue());
        } else if (p.get().parameters().find(kv.getKey()).isPresent()) {
          modelValues.put(kv.getKey(), kv.getValue());
        } else {
          problems.add(new SpecProblem(key + "." + kv.getKey(), kv.getValue(),
              "unknown key for a '" + model + "' device; accepted: " + String.join(", ", accepted)));
        }
      }
      Parameters volume = resolve(key, volumeValues, volumeSchema, null, null, List.of());
      Parameters params = resolve(key, modelValues, p.get().parameters(), p.get(), cost, List.of());
      checkGeometry(key, volume);
      out.add(new DeviceSpec(name, new Component("system.devices." + name, p.get(), params), volume));
    }
    return out;
  }

  private void checkGeometry(String key, Parameters volume) {
    Map<String, Object> v = volume.asMap();
    if (!v.containsKey("size") || !v.containsKey("block-size") || !v.containsKey("atomic-write")) {
      return;
    }
    long size = volume.dataSize("size").bytes();
    long block = volume.dataSize("block-size").bytes();
    long atomic = volume.dataSize("atomic-write").bytes();
    if (block < 512 || Long.bitCount(block) != 1) {
      problems.add(new SpecProblem(key + ".block-size", volume.dataSize("block-size").toString(),
          "accepted: a power of two of at least 512 B"));
    } else if (size == 0 || size % block != 0) {
      problems.add(new SpecProblem(key + ".size", volume.dataSize("size").toString(),
          "accepted: a positive multiple of the block size " + volume.dataSize("block-size")));
    } else if (atomic == 0 || block % atomic != 0 || block / atomic > 64) {
      problems.add(new SpecProblem(key + ".atomic-write", volume.dataSize("atomic-write").toString(),
          "accepted: a divisor of the block size giving at most 64 units per block"));
    } else if (v.containsKey("hypervisor-region") && volume.dataSize("hypervisor-region").bytes() != 0) {
      long region = volume.dataSize("hypervisor-region").bytes();
      if (!volume.string("access").equals("guest")) {
        problems.add(new SpecProblem(key + ".hypervisor-region", volume.dataSize("hypervisor-region").toString(),
            "accepted: 0 B on a device with access = \"hypervisor\" (it is the hypervisor's whole)"));
      } else if (region % block != 0 || region >= size) {
        problems.add(new SpecProblem(key + ".hypervisor-region", volume.dataSize("hypervisor-region").toString(),
            "accepted: a multiple of the block size " + volume.dataSize("block-size") + " smaller than the size " + volume.dataSize("size")));
      }
    }
  }

  /** Parses each explicit value, fills defaults, and records every problem under {@code prefix}. */
  private Parameters resolve(String prefix, Map<String, Object> values, ParameterSchema schema, PluginProvider plugin,
      CostProfile cost, List<String> reserved) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, Object> kv : values.entrySet()) {
      if (reserved.contains(kv.getKey())) {
        continue;
      }
      Optional<Parameter> param = schema.find(kv.getKey());
      if (param.isEmpty()) {
        List<String> accepted = new ArrayList<>(reserved);
        accepted.addAll(schema.names());
        problems.add(new SpecProblem(prefix + "." + kv.getKey(), kv.getValue(),
            "unknown key; accepted: " + (accepted.isEmpty() ? "none" : String.join(", ", accepted))));
        continue;
      }
      if (kv.getValue() instanceof Map || kv.getValue() instanceof List) {
        problems.add(new SpecProblem(prefix + "." + kv.getKey(), null, "must be a single value; " + param.get().accepted()));
        continue;
      }
      try {
        out.put(kv.getKey(), param.get().parse(kv.getValue()));
      } catch (IllegalArgumentException e) {
        problems.add(new SpecProblem(prefix + "." + kv.getKey(), kv.getValue(), e.getMessage()));
      }
    }
    for (Parameter param : schema.parameters()) {
      if (out.containsKey(param.name()) || values.containsKey(param.name())) {
        continue;
      }
      Optional<String> profileDefault =
          plugin != null && cost != null ? cost.deviceDefault(plugin.name(), param.name()) : Optional.empty();
      String def = profileDefault.orElse(param.defaultValue());
      if (def == null) {
        problems.add(new SpecProblem(prefix + "." + param.name(), null, "required; " + param.accepted()));
        continue;
      }
      try {
        out.put(param.name(), param.parse(def));
      } catch (IllegalArgumentException e) {
        String origin = profileDefault.isPresent() ? "cost profile " + cost.name() + " figure " + plugin.name() + "."
            + param.name() : "schema default of " + prefix + "." + param.name();
        problems.add(new SpecProblem(prefix + "." + param.name(), def, "bad default from " + origin + ": " + e.getMessage()));
      }
    }
    return new Parameters(out);
  }
}
