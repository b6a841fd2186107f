module it.unsafe {
  requires org.sego.api;
  requires jdk.unsupported;

  provides org.sego.api.plugin.PluginProvider with it.unsafe.Provider;
}
