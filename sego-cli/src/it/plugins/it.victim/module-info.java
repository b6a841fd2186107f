/** A plug-in that tries to supply a victim of its own: discovery refuses it (victims come only from org.sego.victims). */
module it.victim {
  requires org.sego.api;

  provides org.sego.api.plugin.PluginProvider with it.victim.SmuggledVictim;
}
