package org.sego.support;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.sego.api.Experimental;

/**
 * What a plug-in module's descriptor may declare (DESIGN §2), checked by discovery for every
 * plug-in module before it is loaded, and by each built-in plug-in module's own test. A plug-in
 * reaches the rest of the system only through {@code sego-api}; these rules refuse what would let
 * it reach past its ports:
 * <ul>
 *   <li>{@code requires} only {@code org.sego.api}, {@code org.sego.support}, third-party library
 *       modules, and JDK modules outside {@link #DENIED_JDK_MODULES} (including what they require
 *       transitively: {@code java.se} brings {@code java.management});
 *   <li>no other {@code org.sego.*} module: never {@code org.sego.core}, never another plug-in;
 *   <li>no {@code uses} of the wiring services ({@code org.sego.api.wiring});
 *   <li>an explicit module (an automatic one reads every module) that is not open and opens
 *       packages only to named modules.
 * </ul>
 * A single JVM cannot stop a plug-in that sets out to cheat with what {@code java.base} allows
 * (files, deliberate reflection where a package is open); the README states that as an assumption.
 */
@Experimental("helpers for plug-in authors")
public final class PluginModuleRules {
  private PluginModuleRules() {}

  /** JDK modules that reach below the ports: raw memory, the heap, agents, debuggers, management. */
  public static final Set<String> DENIED_JDK_MODULES = Set.of(
      "jdk.unsupported", "jdk.unsupported.desktop", "jdk.management", "jdk.management.agent", "jdk.management.jfr",
      "java.management", "java.management.rmi", "java.instrument", "jdk.attach", "jdk.jdi", "jdk.jdwp.agent",
      "jdk.hotspot.agent", "jdk.jfr", "jdk.jshell", "jdk.jcmd");

  /** Modules of ours a plug-in may require. */
  public static final Set<String> ALLOWED_SEGO_MODULES = Set.of("org.sego.api", "org.sego.support");

  /** The package of the wiring services, exported to sego-core's siblings only. */
  public static final String WIRING_PACKAGE = "org.sego.api.wiring";

  /** One broken rule: the module, the rule's short name, and what to do about it. */
  public record Violation(String module, String rule, String detail) {
    /** What was wrong and which rule says so, for a message that already names the module. */
    public String reason() {
      return detail + " [rule: " + rule + "]";
    }

    @Override
    public String toString() {
      return "module " + module + " " + reason();
    }
  }

  private static final Map<String, Optional<String>> JDK_DENIAL = new TreeMap<>();

  /** Every rule {@code d} breaks, in a stable order; empty when it may load. */
  public static List<Violation> check(ModuleDescriptor d) {
    List<Violation> out = new ArrayList<>();
    String m = d.name();
    if (d.isAutomatic()) {
      out.add(new Violation(m, "explicit-module", "is an automatic module (no module-info.class), which reads every module, "
          + "org.sego.core included; give it a module-info.java that requires org.sego.api"));
      return out;
    }
    if (d.isOpen()) {
      out.add(new Violation(m, "no-open-module", "is an open module; open packages one by one, to named modules"));
    }
    for (ModuleDescriptor.Requires r : new TreeSet<>(d.requires())) {
      String n = r.name();
      if (n.equals("java.base") || ALLOWED_SEGO_MODULES.contains(n)) {
        continue;
      }
      if (n.startsWith("org.sego.")) {
        out.add(new Violation(m, "requires-api-only", "requires " + n + "; a plug-in compiles against org.sego.api (and "
            + "org.sego.support) only, never against sego-core or another plug-in"));
        continue;
      }
      Optional<String> denied = jdkDenial(n);
      if (denied.isPresent()) {
        out.add(new Violation(m, "denied-jdk-module", "requires " + n + denied.get() + ", which reaches below the ports; "
            + "denied JDK modules: " + new TreeSet<>(DENIED_JDK_MODULES)));
      }
    }
    for (String u : new TreeSet<>(d.uses())) {
      if (u.startsWith(WIRING_PACKAGE + ".")) {
        out.add(new Violation(m, "no-wiring-services", "uses " + u + ", a wiring service between sego-core and its "
            + "sibling modules; plug-ins get their ports instead"));
      }
    }
    for (ModuleDescriptor.Opens o : new TreeSet<>(d.opens())) {
      if (!o.isQualified()) {
        out.add(new Violation(m, "qualified-opens", "opens " + o.source() + " to everyone; qualify it (opens "
            + o.source() + " to com.google.guice)"));
      }
    }
    return out;
  }

  /**
   * Empty if JDK module {@code name} and everything it requires transitively are allowed; else the
   * path to the denied module (" (through java.management)"). A name that is no JDK module is a
   * library, judged by its own descriptor where it is a plug-in module.
   */
  static synchronized Optional<String> jdkDenial(String name) {
    return JDK_DENIAL.computeIfAbsent(name, PluginModuleRules::findDenial);
  }

  private static Optional<String> findDenial(String name) {
    ModuleFinder system = ModuleFinder.ofSystem();
    if (system.find(name).isEmpty() && !name.startsWith("java.") && !name.startsWith("jdk.")) {
      return Optional.empty();
    }
    Deque<String> todo = new ArrayDeque<>(List.of(name));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (!seen.add(n)) {
        continue;
      }
      if (DENIED_JDK_MODULES.contains(n) || n.startsWith("jdk.internal.")) {
        return Optional.of(n.equals(name) ? "" : " (through " + n + ")");
      }
      Optional<ModuleReference> ref = system.find(n);
      if (ref.isEmpty()) {
        continue;
      }
      for (ModuleDescriptor.Requires r : ref.get().descriptor().requires()) {
        if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)) {
          todo.push(r.name());
        }
      }
    }
    return Optional.empty();
  }
}
