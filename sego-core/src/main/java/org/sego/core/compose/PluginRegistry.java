package org.sego.core.compose;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;
import com.google.inject.Module;
import com.google.inject.spi.Elements;
import org.sego.api.Experimental;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;
import org.sego.support.PluginModuleRules;

/**
 * Every plug-in found by {@link ServiceLoader} on the module path (including {@code
 * SEGO_PLUGIN_PATH}), by kind and name. A provider that fails to load, or two providers of one
 * kind and name, is an error that names them.
 */
@Experimental("composition and lifecycle")
public final class PluginRegistry {
  private static final System.Logger LOG = System.getLogger(PluginRegistry.class.getName());
  private final Map<PluginKind, Map<String, PluginProvider>> byKind = new LinkedHashMap<>();
  private final List<PluginPath.Refused> refused = new ArrayList<>();
  /** The one module victims may come from (docs/design.md §6: the judge owns what it judges). */
  public static final String VICTIM_LIBRARY = "org.sego.victims";

  public PluginRegistry(Iterable<PluginProvider> providers) {
    this(providers, List.of());
  }

  /**
   * The registry of {@code providers}, less those whose module breaks {@link PluginModuleRules}
   * (they are added to {@code refusedEarlier}, the modules the plug-in path refused before loading).
   */
  public PluginRegistry(Iterable<PluginProvider> providers, List<PluginPath.Refused> refusedEarlier) {
    for (PluginKind k : PluginKind.values()) {
      byKind.put(k, new TreeMap<>());
    }
    refused.addAll(refusedEarlier);
    List<String> problems = new ArrayList<>();
    Map<java.lang.Module, Boolean> moduleOk = new java.util.HashMap<>();
    for (PluginProvider p : providers) {
      if (!moduleOk.computeIfAbsent(p.getClass().getModule(), this::admit)) {
        continue;
      }
      if (p.kind() == PluginKind.VICTIM && !fromVictimLibrary(p)) {
        // A victim from anywhere else could share state with the attack that targets it.
        refused.add(new PluginPath.Refused(moduleName(p), "its victim '" + p.name() + "' (" + p.getClass().getName()
            + ") only; its other plug-ins load", List.of("victims come only from the trusted victim library, module "
            + VICTIM_LIBRARY + "; an attack names the victim it targets [rule: victim-library]")));
        continue;
      }
      if (!p.kind().trusted()) {
        checkBindsNothing(p, problems);
      }
      PluginProvider old = byKind.get(p.kind()).putIfAbsent(p.name(), p);
      if (old != null) {
        problems.add("two " + p.kind().id() + " plug-ins are named '" + p.name() + "': " + describe(old) + " and "
            + describe(p) + "; remove one of them from the module path");
      }
    }
    if (!problems.isEmpty()) {
      throw new PluginDiscoveryException(String.join("\n", problems));
    }
  }

  /**
   * Whether plug-ins of {@code m} may load: the core's own ({@code none}) and the class path's
   * always; any other module only if its descriptor keeps {@link PluginModuleRules}. Modules on the
   * plug-in path were checked before loading; this catches one put on the module path by hand.
   */
  private boolean admit(java.lang.Module m) {
    if (!m.isNamed() || m == PluginRegistry.class.getModule()) {
      return true;
    }
    List<PluginModuleRules.Violation> v = PluginModuleRules.check(m.getDescriptor());
    if (v.isEmpty()) {
      return true;
    }
    String where = m.getLayer() == null ? "?" : m.getLayer() == ModuleLayer.boot() ? "module path" : PluginPath.VARIABLE;
    refused.add(new PluginPath.Refused(m.getName(), where,
        v.stream().map(PluginModuleRules.Violation::reason).collect(Collectors.toList())));
    LOG.log(System.Logger.Level.DEBUG, () -> refused.get(refused.size() - 1).toString());
    return false;
  }

  /**
   * Whether {@code p} is the trusted victim library's: its module is {@link #VICTIM_LIBRARY}, or, on
   * the class path (tests), where there are no module names, its package is the library's.
   */
  private static boolean fromVictimLibrary(PluginProvider p) {
    java.lang.Module m = p.getClass().getModule();
    return m.isNamed() ? VICTIM_LIBRARY.equals(m.getName()) : VICTIM_LIBRARY.equals(p.getClass().getPackageName());
  }

  /** Plug-in modules that were not loaded, each with the rules it broke. */
  public List<PluginPath.Refused> refused() {
    return List.copyOf(refused);
  }

  /**
   * An untrusted plug-in (guest, workload, attack) must contribute no Guice binding: it is built by
   * the run orchestrator and handed its ports, never injected.
   */
  private static void checkBindsNothing(PluginProvider p, List<String> problems) {
    try {
      Module m = p.module(new PluginConfig("system." + p.kind().id(), Parameters.none(), null, 0));
      if (!Elements.getElements(m).isEmpty()) {
        problems.add(p.kind().id() + " plug-in '" + p.name() + "' (" + describe(p) + ") binds Guice components; "
            + "untrusted plug-ins get their ports from the run orchestrator and must not override module()");
      }
    } catch (RuntimeException e) {
      problems.add(p.kind().id() + " plug-in '" + p.name() + "' (" + describe(p) + ") fails in module(): " + e
          + "; untrusted plug-ins must not override module()");
    }
  }

  /**
   * Discovers every built-in provider and every provider of an accepted module on the plug-in path
   * ({@link PluginPath#current()}); refused modules are listed in {@link #refused()}.
   */
  public static PluginRegistry discover() {
    PluginPath path = PluginPath.current();
    ServiceLoader<PluginProvider> loader = path.accepted().isEmpty() ? ServiceLoader.load(PluginProvider.class)
        : ServiceLoader.load(path.layer(), PluginProvider.class);
    return new PluginRegistry(load(loader), path.refused());
  }

  static List<PluginProvider> load(ServiceLoader<PluginProvider> loader) {
    return load(loader.stream().iterator());
  }

  /** Instantiates each provider; a broken one is named with its module and cause. */
  static List<PluginProvider> load(Iterator<ServiceLoader.Provider<PluginProvider>> it) {
    List<PluginProvider> out = new ArrayList<>();
    while (true) {
      ServiceLoader.Provider<PluginProvider> provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        throw new PluginDiscoveryException("a plug-in provider could not be loaded: " + e.getMessage(), e);
      }
      try {
        PluginProvider p = provider.get();
        LOG.log(System.Logger.Level.DEBUG, () -> "found " + p.kind().id() + " plug-in '" + p.name() + "' " + p.version()
            + " in " + describe(p) + " at " + p.getClass().getModule().getLayer());
        out.add(p);
      } catch (ServiceConfigurationError | RuntimeException e) {
        throw new PluginDiscoveryException("plug-in provider " + provider.type().getName() + " in module "
            + provider.type().getModule().getName() + " failed to start: " + rootMessage(e), e);
      }
    }
    return out;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.toString();
  }

  static String describe(PluginProvider p) {
    return p.getClass().getName() + " (module " + moduleName(p) + ")";
  }

  public static String moduleName(PluginProvider p) {
    String n = p.getClass().getModule().getName();
    return n == null ? "unnamed" : n;
  }

  /** Plug-ins of {@code kind}, sorted by name. */
  public List<PluginProvider> all(PluginKind kind) {
    return List.copyOf(byKind.get(kind).values());
  }

  /** Every plug-in, by kind order then name. */
  public List<PluginProvider> all() {
    List<PluginProvider> out = new ArrayList<>();
    byKind.values().forEach(m -> out.addAll(m.values()));
    return out;
  }

  public Optional<PluginProvider> find(PluginKind kind, String name) {
    return Optional.ofNullable(byKind.get(kind).get(name));
  }

  /** Plug-ins of any kind with this name. */
  public List<PluginProvider> named(String name) {
    return all().stream().filter(p -> p.name().equals(name)).collect(Collectors.toList());
  }

  public List<String> names(PluginKind kind) {
    return List.copyOf(byKind.get(kind).keySet());
  }

  /** Every name, sorted, for "accepted" lists. */
  public List<String> allNames() {
    return all().stream().map(PluginProvider::name).distinct().sorted(Comparator.naturalOrder())
        .collect(Collectors.toList());
  }
}
