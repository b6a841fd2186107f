import org.sego.api.plugin.PluginProvider;

/**
 * The trusted victim library. Discovery admits victim plug-ins from this module only; its package
 * is not exported, so no attack can name a victim's class or share its state.
 */
module org.sego.victims {
  requires org.sego.api;

  provides PluginProvider with
      org.sego.victims.SecretPagesVictim,
      org.sego.victims.SecretFilesVictim;
}
