module it.wiring {
  requires org.sego.api;

  uses org.sego.api.wiring.VolumeFactory;

  provides org.sego.api.plugin.PluginProvider with it.wiring.Provider;
}
