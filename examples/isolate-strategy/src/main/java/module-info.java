import org.sego.api.plugin.PluginProvider;

/**
 * {@code isolate}: a strategy built only against {@code sego-api} that denies the OS every frame of
 * a HAP's protected memory and offers the kernel the memory services (swap, copy, zero, release,
 * share, move) by hypercall, so a protection-aware kernel keeps swapping, sharing and compacting a
 * HAP it cannot read. A test bed for the aware guest and a starting point for a strategy of one's
 * own; it claims nothing it does not check. Put the jar on {@code SEGO_PLUGIN_PATH}.
 */
module org.sego.examples.isolate {
  requires org.sego.api;

  // Guice builds IsolateStrategy through its package-private @Inject constructor.
  opens org.sego.examples.isolate to com.google.guice;

  provides PluginProvider with org.sego.examples.isolate.IsolateStrategyProvider;
}
