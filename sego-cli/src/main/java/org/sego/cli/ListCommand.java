package org.sego.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;
import org.sego.core.compose.PluginRegistry;
import org.sego.core.output.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sego list}: every plug-in by kind, with module, version and description. */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = SegoCommand.Version.class, description = "List every plug-in by kind: name, module, version, description.")
final class ListCommand implements Callable<Integer> {
  @Option(names = "--json", description = "print {\"plugins\":[{kind,name,module,version,description}]}")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PluginRegistry registry = SegoCommand.registry();
    var out = spec.commandLine().getOut();
    if (json) {
      List<Object> plugins = new ArrayList<>();
      for (PluginProvider p : registry.all()) {
        Map<String, Object> m = new TreeMap<>();
        m.put("kind", p.kind().id());
        m.put("name", p.name());
        m.put("module", PluginRegistry.moduleName(p));
        m.put("version", p.version());
        m.put("description", p.description());
        plugins.add(m);
      }
      out.print(Json.write(Map.of("plugins", plugins)));
      out.flush();
      return 0;
    }
    for (PluginKind kind : PluginKind.values()) {
      List<PluginProvider> ps = registry.all(kind);
      out.println(kind.id() + (ps.isEmpty() ? ": (none yet)" : ":"));
      for (PluginProvider p : ps) {
        out.printf(java.util.Locale.ROOT, "  %-18s %-26s %-16s %s%n", p.name(), PluginRegistry.moduleName(p), p.version(),
            p.description());
      }
    }
    out.flush();
    return 0;
  }
}
