/** A clean plug-in: requires only the API; a probing guest kernel and an idle workload. */
module it.clean {
  requires org.sego.api;

  provides org.sego.api.plugin.PluginProvider with it.clean.ProbeKernelProvider, it.clean.IdleWorkload;
}
