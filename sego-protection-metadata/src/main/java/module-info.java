import org.sego.api.plugin.PluginProvider;

/**
 * The Sego strategy (ASPLOS 2016), plug-in {@code sego}: trusted metadata in the hypervisor for
 * every protected page and disk block, instead of encryption and hashing. Built against {@code
 * sego-api} and {@code sego-support} only.
 */
module org.sego.protection.metadata {
  requires org.sego.api;
  requires org.sego.support;

  // For the JMH figures of metadata lookup and update (sego-bench), not for plug-ins.
  exports org.sego.protection.metadata.page to org.sego.bench;

  // Guice builds SegoStrategy through its package-private @Inject constructor.
  opens org.sego.protection.metadata to com.google.guice;

  provides PluginProvider with org.sego.protection.metadata.SegoStrategyProvider;
}
