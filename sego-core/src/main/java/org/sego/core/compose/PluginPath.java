package org.sego.core.compose;

import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.sego.api.Experimental;
import org.sego.support.PluginModuleRules;

/**
 * The plug-in modules on {@code SEGO_PLUGIN_PATH} (or {@code -Dsego.plugin.path}), each checked
 * against {@link PluginModuleRules} <em>before</em> it is loaded, and the accepted ones in a module
 * layer of their own above the built-in modules. A refused module is named with the rule it broke
 * and never loaded; the others still load. So is one that requires a refused or missing module.
 */
@Experimental("composition and lifecycle")
public final class PluginPath {
  /** The environment variable (and, lower-cased with dots, the system property) that lists plug-in jars. */
  public static final String VARIABLE = "SEGO_PLUGIN_PATH";

  /** A plug-in module that discovery did not load, with every reason. */
  public record Refused(String module, String location, List<String> reasons) {
    @Override
    public String toString() {
      return "plug-in module " + module + " (" + location + ") refused: " + String.join("; ", reasons);
    }
  }

  private static PluginPath current;

  private final ModuleLayer layer;
  private final List<Refused> refused;
  private final List<String> accepted;

  private PluginPath(ModuleLayer layer, List<String> accepted, List<Refused> refused) {
    this.layer = layer;
    this.accepted = List.copyOf(accepted);
    this.refused = List.copyOf(refused);
  }

  /** The plug-in path of this JVM, built once: a module layer can be defined only once per set of modules. */
  public static synchronized PluginPath current() {
    if (current == null) {
      String p = System.getProperty("sego.plugin.path", System.getenv(VARIABLE));
      current = of(p == null ? "" : p);
    }
    return current;
  }

  /** Checks and loads the modules found on {@code path} (entries separated by the platform's separator). */
  public static PluginPath of(String path) {
    List<Path> entries = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    for (String e : path.split(java.io.File.pathSeparator)) {
      if (e.isBlank()) {
        continue;
      }
      Path p = Path.of(e);
      if (!Files.exists(p)) {
        refused.add(new Refused("?", e, List.of("no such file or folder on " + VARIABLE)));
      } else {
        entries.add(p);
      }
    }
    if (entries.isEmpty()) {
      return new PluginPath(ModuleLayer.boot(), List.of(), refused);
    }
    Map<String, ModuleReference> found = new TreeMap<>();
    Map<String, List<String>> reasons = new TreeMap<>();
    for (Path p : entries) {
      Set<ModuleReference> refs;
      try {
        refs = ModuleFinder.of(p).findAll();
      } catch (FindException ex) {
        refused.add(new Refused("?", p.toString(), List.of("not a readable module: " + ex.getMessage())));
        continue;
      }
      for (ModuleReference r : refs) {
        String name = r.descriptor().name();
        if (found.putIfAbsent(name, r) != null) {
          reasons.computeIfAbsent(name, k -> new ArrayList<>()).add("found twice on " + VARIABLE + " ("
              + location(found.get(name)) + " and " + location(r) + ")");
        }
      }
    }
    ModuleLayer boot = ModuleLayer.boot();
    for (ModuleReference r : found.values()) {
      String name = r.descriptor().name();
      if (boot.findModule(name).isPresent()) {
        reasons.computeIfAbsent(name, k -> new ArrayList<>()).add("has the name of a built-in module [rule: unique-name]");
      }
      for (PluginModuleRules.Violation v : PluginModuleRules.check(r.descriptor())) {
        reasons.computeIfAbsent(name, k -> new ArrayList<>()).add(v.reason());
      }
    }
    // A module that needs a refused or missing module cannot load either; repeat until nothing changes.
    ModuleFinder jdk = ModuleFinder.ofSystem();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (ModuleReference r : found.values()) {
        String name = r.descriptor().name();
        if (reasons.containsKey(name)) {
          continue;
        }
        for (ModuleDescriptor.Requires q : r.descriptor().requires()) {
          if (q.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
            continue;
          }
          // A JDK module counts only if this JVM's boot layer holds it: the plug-in layer resolves nothing new.
          boolean available = boot.findModule(q.name()).isPresent()
              || (found.containsKey(q.name()) && !reasons.containsKey(q.name()));
          if (!available) {
            String why = found.containsKey(q.name()) ? "was refused"
                : jdk.find(q.name()).isPresent() ? "is a JDK module this JVM did not load (start it with --add-modules "
                    + q.name() + ")"
                : "is neither built in nor on " + VARIABLE;
            reasons.computeIfAbsent(name, k -> new ArrayList<>()).add("requires " + q.name() + ", which " + why
                + " [rule: resolvable]");
            changed = true;
            break;
          }
        }
      }
    }
    ModuleFinder finder = ModuleFinder.of(entries.toArray(Path[]::new));
    List<String> accepted = new ArrayList<>();
    for (ModuleReference r : found.values()) {
      String name = r.descriptor().name();
      if (reasons.containsKey(name)) {
        refused.add(new Refused(name, location(r), reasons.get(name)));
        continue;
      }
      // What the checks above cannot see (two modules with one package, a cycle) shows in resolution:
      // refuse the module that brings it, keep the rest.
      List<String> with = new ArrayList<>(accepted);
      with.add(name);
      try {
        defineLayer(boot, finder, with, false);
        accepted.add(name);
      } catch (RuntimeException e) {
        refused.add(new Refused(name, location(r), List.of("does not resolve with the other plug-in modules: "
            + e.getMessage() + " [rule: resolvable]")));
      }
    }
    if (accepted.isEmpty()) {
      return new PluginPath(boot, accepted, refused);
    }
    return new PluginPath(defineLayer(boot, finder, accepted, true), accepted, refused);
  }

  /** Resolves {@code roots} above the boot layer (no service binding: it would pull in refused providers). */
  private static ModuleLayer defineLayer(ModuleLayer boot, ModuleFinder finder, List<String> roots, boolean define) {
    Configuration cf = boot.configuration().resolve(finder, ModuleFinder.of(), roots);
    return define ? boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader()) : null;
  }

  private static String location(ModuleReference r) {
    return r.location().map(u -> "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString()).orElse("?");
  }

  /** The layer holding the accepted plug-in modules above the built-in ones (the boot layer when there are none). */
  public ModuleLayer layer() {
    return layer;
  }

  /** Names of the plug-in modules that were checked and loaded. */
  public List<String> accepted() {
    return accepted;
  }

  /** The plug-in modules that were refused, each with its reasons. */
  public List<Refused> refused() {
    return refused;
  }
}
