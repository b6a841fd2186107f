package org.sego.core.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sego.api.Experimental;
import org.sego.api.cost.CostFigure;
import org.sego.api.cost.CostProfile;
import org.sego.api.plugin.CostProfileProvider;

/**
 * A cost profile from a TOML file, wherever a profile is named ({@code system.cost-profile}, {@code
 * --cost-profile}):
 *
 * <pre>
 * name = "my-lab"
 * base = "modern"                 # optional: start from a profile plug-in's figures
 * [figures]
 * "cpu.copy" = { value = "8 GB/s", source = "memcpy on our server, 2026" }
 * "nvme.bandwidth" = "6 GB/s"     # short form: the source is the file
 * </pre>
 *
 * Every figure a profile needs must be there (given or from the base), each of its kind; every
 * problem is reported at once.
 */
@Experimental("composition and lifecycle")
public final class CostProfileFile {
  private CostProfileFile() {}

  /**
   * What is wrong with figure {@code key} given in a file, if it is not one of the required figures:
   * it must be a device default, {@code <device-model>.<parameter>}, of that parameter's kind.
   */
  private static String deviceDefaultProblem(String key, CostFigure figure, PluginRegistry registry) {
    if (figure == null || CostProfile.REQUIRED.containsKey(key)) {
      return null;
    }
    int dot = key.indexOf('.');
    var models = registry.names(org.sego.api.plugin.PluginKind.DEVICE);
    var model = dot < 0 ? java.util.Optional.<org.sego.api.plugin.PluginProvider>empty()
        : registry.find(org.sego.api.plugin.PluginKind.DEVICE, key.substring(0, dot));
    if (model.isEmpty() && dot >= 0) {
      // A profile may also give a strategy's parameter defaults, as it gives a device's.
      model = registry.find(org.sego.api.plugin.PluginKind.STRATEGY, key.substring(0, dot));
    }
    if (model.isEmpty()) {
      return "unknown figure '" + key + "'; a profile gives the figures `sego describe modern` lists and defaults "
          + "named <device-model>.<parameter> or <strategy>.<parameter> (device models: " + models + ")";
    }
    String param = key.substring(dot + 1);
    var p = model.get().parameters().find(param);
    if (p.isEmpty()) {
      return "figure '" + key + "': " + model.get().kind().id() + " '" + model.get().name() + "' has no parameter '" + param + "'; it has "
          + model.get().parameters().parameters().stream().map(org.sego.api.plugin.Parameter::name).toList();
    }
    try {
      p.get().parse(figure.value());
      return null;
    } catch (IllegalArgumentException ex) {
      return "figure '" + key + "': " + ex.getMessage();
    }
  }

  /**
   * {@code base} with the figures of a spec's {@code [costs]} table put over it ({@code "hv.hypercall"
   * = "2 us"}: a figure every profile has, or a device or strategy default), each checked as a
   * profile file's figure is; problems go to {@code problems} under {@code costs.<figure>}.
   */
  public static CostProfile withOverrides(CostProfile base, Map<String, Object> overrides, PluginRegistry registry,
      List<SpecProblem> problems) {
    Map<String, CostFigure> merged = new LinkedHashMap<>(base.figures());
    for (Map.Entry<String, Object> e : overrides.entrySet()) {
      CostFigure f = new CostFigure(e.getKey(), String.valueOf(e.getValue()), "the spec's [costs] table");
      String problem = deviceDefaultProblem(e.getKey(), f, registry);
      if (problem != null) {
        problems.add(new SpecProblem("costs." + e.getKey(), e.getValue(), problem));
        continue;
      }
      merged.put(e.getKey(), f);
    }
    CostProfile p = new CostProfile(base.name(), merged);
    for (String w : p.wrongKinds()) {
      problems.add(new SpecProblem("costs", null, w));
    }
    return p;
  }

  /** Whether a {@code cost-profile} value names a file rather than a plug-in. */
  public static boolean isFile(String value) {
    return value.endsWith(".toml");
  }

  /** Loads {@code file}; problems are added to {@code problems} under {@code key}, and null returned. */
  @SuppressWarnings("unchecked")
  public static CostProfileProvider load(Path file, String key, PluginRegistry registry, List<SpecProblem> problems) {
    Map<String, Object> tree;
    try {
      tree = TomlSpecReader.read(file);
    } catch (SpecException e) {
      for (SpecProblem p : e.problems()) {
        problems.add(new SpecProblem(key, file.toString(), "cost-profile file: " + p.message()));
      }
      return null;
    }
    List<String> bad = new ArrayList<>();
    for (String k : tree.keySet()) {
      if (!List.of("name", "base", "figures").contains(k)) {
        bad.add("unknown key '" + k + "'; accepted: name, base, figures");
      }
    }
    String name = tree.get("name") instanceof String ? (String) tree.get("name") : file.getFileName().toString();
    Map<String, CostFigure> figures = new LinkedHashMap<>();
    boolean baseBroken = false;
    Object base = tree.get("base");
    if (base != null) {
      var p = registry.find(org.sego.api.plugin.PluginKind.COST_PROFILE, String.valueOf(base));
      if (p.isPresent() && p.get() instanceof CostProfileProvider) {
        figures.putAll(((CostProfileProvider) p.get()).profile().figures());
      } else {
        bad.add("base '" + base + "' is not a cost-profile plug-in; accepted: "
            + registry.names(org.sego.api.plugin.PluginKind.COST_PROFILE));
        baseBroken = true;
      }
    }
    Object f = tree.get("figures");
    if (f != null && !(f instanceof Map)) {
      bad.add("'figures' must be a table of \"key\" = \"value\" or { value, source }");
    } else if (f != null) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) f).entrySet()) {
        Object v = e.getValue();
        if (v instanceof Map) {
          Map<String, Object> m = (Map<String, Object>) v;
          Object value = m.get("value");
          if (value == null) {
            bad.add("figure '" + e.getKey() + "' has no value");
            continue;
          }
          figures.put(e.getKey(), new CostFigure(e.getKey(), String.valueOf(value),
              m.get("source") == null ? "cost-profile file " + file.getFileName() : String.valueOf(m.get("source"))));
        } else {
          figures.put(e.getKey(), new CostFigure(e.getKey(), String.valueOf(v), "cost-profile file " + file.getFileName()));
        }
        String problem = deviceDefaultProblem(e.getKey(), figures.get(e.getKey()), registry);
        if (problem != null) {
          bad.add(problem);
        }
      }
    }
    CostProfile profile = new CostProfile(name, figures);
    // With a broken base every figure would be reported missing: the base is the one problem then.
    bad.addAll(baseBroken ? profile.wrongKinds() : profile.problems());
    if (!bad.isEmpty()) {
      for (String b : bad) {
        problems.add(new SpecProblem(key, file.toString(), b));
      }
      return null;
    }
    return new CostProfileProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return "cost profile from the file " + file.getFileName();
      }

      @Override
      public CostProfile profile() {
        return profile;
      }
    };
  }
}
