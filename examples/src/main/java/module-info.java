import org.sego.api.plugin.PluginProvider;

/**
 * Short programs showing how a researcher composes a custom system, and a device model added as a
 * plug-in: one class and the {@code provides} line below. This jar is not on the default module
 * path; put it on {@code SEGO_PLUGIN_PATH} to make {@code tape} appear in {@code ./sego list}.
 */
module org.sego.examples {
  requires transitive org.sego.core;

  exports org.sego.examples.minimal;

  provides PluginProvider with org.sego.examples.device.TapeDriveProvider;
}
