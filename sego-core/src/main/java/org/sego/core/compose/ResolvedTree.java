package org.sego.core.compose;

import java.util.Map;
import java.util.TreeMap;
import org.sego.api.cost.CostFigure;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginProvider;
import org.sego.api.units.Bandwidth;
import org.sego.api.units.DataSize;
import org.sego.api.units.Duration;

/**
 * The fully resolved configuration as a sorted tree, the content of {@code config.json} and of
 * {@code sego validate}: every value with defaults filled, plug-in modules and versions, every
 * cost figure with its source, and the seed. Holds no host, path of the run folder or time.
 */
final class ResolvedTree {
  static final int SCHEMA_VERSION = 1;

  private ResolvedTree() {}

  static Map<String, Object> of(SystemSpec spec) {
    Map<String, Object> root = new TreeMap<>();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("seed", spec.seed());
    Map<String, Object> system = values(spec.system());
    Object profile = system.get("cost-profile");
    if (profile instanceof String && CostProfileFile.isFile((String) profile)) {
      // A profile file is recorded by its name and, below, every figure: never a host's path.
      system.put("cost-profile", java.nio.file.Path.of((String) profile).getFileName().toString());
    }
    root.put("system", system);
    Map<String, Object> cost = plugin(spec.costProvider());
    Map<String, Object> figures = new TreeMap<>();
    for (CostFigure f : spec.costProfile().figures().values()) {
      Map<String, Object> fig = new TreeMap<>();
      fig.put("value", f.value());
      fig.put("source", f.source());
      figures.put(f.key(), fig);
    }
    cost.put("figures", figures);
    root.put("costProfile", cost);
    root.put("strategy", component(spec.strategy()));
    Map<String, Object> devices = new TreeMap<>();
    for (DeviceSpec d : spec.devices()) {
      Map<String, Object> dev = component(d.model());
      dev.put("volume", values(d.volume()));
      devices.put(d.name(), dev);
    }
    root.put("devices", devices);
    spec.guest().ifPresent(g -> root.put("guest", component(g)));
    spec.workload().ifPresent(w -> {
      Map<String, Object> m = component(w);
      m.put("asHap", w.asHap());
      root.put("workload", m);
    });
    return root;
  }

  private static Map<String, Object> component(Component c) {
    Map<String, Object> m = plugin(c.provider());
    m.put("path", c.path());
    m.put("parameters", values(c.parameters()));
    return m;
  }

  private static Map<String, Object> plugin(PluginProvider p) {
    Map<String, Object> m = new TreeMap<>();
    m.put("name", p.name());
    m.put("module", PluginRegistry.moduleName(p));
    m.put("version", p.version());
    return m;
  }

  static Map<String, Object> values(Parameters p) {
    Map<String, Object> m = new TreeMap<>();
    p.asMap().forEach((k, v) -> m.put(k, jsonValue(v)));
    return m;
  }

  static Object jsonValue(Object v) {
    if (v instanceof DataSize || v instanceof Duration || v instanceof Bandwidth) {
      return v.toString();
    }
    return v;
  }
}
