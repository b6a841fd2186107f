import org.sego.api.plugin.PluginProvider;

/**
 * A protection strategy built only against {@code sego-api}, as a researcher's own would be: {@code
 * watch} gives each HAP its own EPT view, write-protects the frames of its protected memory in the
 * OS's view, and raises a violation when the kernel writes one. It also answers a custom hypercall
 * of its own. Not on the default module path: put the jar on {@code SEGO_PLUGIN_PATH}.
 */
module org.sego.examples.watch {
  requires org.sego.api;

  // Guice builds WatchStrategy through its package-private @Inject constructor.
  opens org.sego.examples.watch to com.google.guice;

  provides PluginProvider with org.sego.examples.watch.WatchStrategyProvider;
}
