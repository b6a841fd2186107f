package org.sego.api.plugin;

import com.google.inject.Module;
import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Manifest;
import org.sego.api.Stable;

/**
 * The one discovery point of Sego: every plug-in declares {@code provides
 * org.sego.api.plugin.PluginProvider with ...} in its {@code module-info.java} and is found with
 * {@link java.util.ServiceLoader}.
 *
 * <p>Trusted kinds (strategy, device, cost profile) return a Guice module built from validated
 * parameters, which binds the component's SPI type inside a private scope keyed by its path.
 * Untrusted kinds (guest, workload, attack) bind nothing: the run orchestrator constructs them and
 * hands them their ports; the composition layer rejects an untrusted provider whose module binds
 * anything.
 */
@Stable(since = "0.1")
public interface PluginProvider {
  /** The name used in specs and on the command line, lower-case kebab-case ({@code nvme}). */
  String name();

  PluginKind kind();

  /** One sentence saying what the plug-in models. */
  String description();

  default ParameterSchema parameters() {
    return ParameterSchema.EMPTY;
  }

  /** Builds the component's bindings from validated parameters; no side effects. */
  default Module module(PluginConfig config) {
    return binder -> {};
  }

  /**
   * The plug-in's version: the module's version if it was compiled with one, else the
   * {@code Implementation-Version} of its jar's manifest, else {@code unversioned}.
   */
  default String version() {
    java.lang.Module m = getClass().getModule();
    if (m.getDescriptor() != null && m.getDescriptor().rawVersion().isPresent()) {
      return m.getDescriptor().rawVersion().get();
    }
    try (InputStream in = m.getResourceAsStream("META-INF/MANIFEST.MF")) {
      if (in != null) {
        String v = new Manifest(in).getMainAttributes().getValue("Implementation-Version");
        if (v != null) {
          return v;
        }
      }
    } catch (IOException e) {
      return "unversioned";
    }
    String v = getClass().getPackage().getImplementationVersion();
    return v == null ? "unversioned" : v;
  }
}
