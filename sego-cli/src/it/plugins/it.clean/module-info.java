/** A clean plug-in: requires only the API; a probing guest kernel, an idle workload and an attack that proves nothing. */
module it.clean {
  requires org.sego.api;

  provides org.sego.api.plugin.PluginProvider with it.clean.ProbeKernelProvider, it.clean.IdleWorkload,
      it.clean.UselessAttack;
}
