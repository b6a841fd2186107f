package org.sego.support;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.sego.api.Experimental;

/**
 * Checks a module descriptor against an allow-list of {@code requires} and {@code opens}, so a
 * module cannot quietly reach across a trust boundary (a plug-in requiring {@code org.sego.core}, or
 * an unqualified {@code opens}). Each module's test calls it with its own list.
 */
@Experimental("helpers for plug-in authors")
public final class ModuleAllowList {
  private ModuleAllowList() {}

  /**
   * Problems of {@code d}: a {@code requires} not in {@code requires} ({@code java.base} is always
   * allowed), an unqualified or open module, or an {@code opens} of a package to a module not listed
   * for it in {@code opens}.
   */
  public static List<String> problems(ModuleDescriptor d, Set<String> requires, Map<String, Set<String>> opens) {
    List<String> out = new ArrayList<>();
    if (d.isOpen()) {
      out.add("module " + d.name() + " is an open module; open packages one by one, to named modules");
    }
    for (ModuleDescriptor.Requires r : new TreeSet<>(d.requires())) {
      if (!r.name().equals("java.base") && !requires.contains(r.name())) {
        out.add("module " + d.name() + " requires " + r.name() + ", which is not on its allow-list " + new TreeSet<>(requires));
      }
    }
    for (ModuleDescriptor.Opens o : d.opens()) {
      if (!o.isQualified()) {
        out.add("module " + d.name() + " opens " + o.source() + " to everyone; qualify it (opens ... to com.google.guice)");
        continue;
      }
      Set<String> allowed = opens.getOrDefault(o.source(), Set.of());
      for (String target : new TreeSet<>(o.targets())) {
        if (!allowed.contains(target)) {
          out.add("module " + d.name() + " opens " + o.source() + " to " + target + ", which is not on its allow-list");
        }
      }
    }
    return out;
  }
}
