module it.core {
  requires org.sego.api;
  requires org.sego.core;

  provides org.sego.api.plugin.PluginProvider with it.core.Provider;
}
