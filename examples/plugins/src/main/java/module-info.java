import org.sego.api.plugin.PluginProvider;

/**
 * Plug-ins built only against {@code sego-api}, as a researcher's own would be: a device model in one
 * class and the {@code provides} line below. This jar is not on the default module path; put it on
 * {@code SEGO_PLUGIN_PATH} to make {@code tape} appear in {@code ./sego list}.
 */
module org.sego.examples.plugins {
  requires org.sego.api;

  provides PluginProvider with org.sego.examples.plugins.device.TapeDriveProvider;
}
