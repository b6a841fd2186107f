import org.sego.api.plugin.PluginProvider;

/**
 * Built-in attacks: each acts only through {@code AdversaryOps} at kernel hook points against a
 * victim HAP holding canaried secrets, and is shown to succeed against {@code none}.
 */
module org.sego.attacks {
  requires org.sego.api;

  provides PluginProvider with
      org.sego.attacks.ReadHapPageAttack,
      org.sego.attacks.WriteHapPageAttack,
      org.sego.attacks.RemapHapPageAttack,
      org.sego.attacks.ReplaySwapSlotAttack,
      org.sego.attacks.StaleFileBlockAttack,
      org.sego.attacks.LieFileLengthAttack,
      org.sego.attacks.RollbackFileAttack,
      org.sego.attacks.OpenOtherFileAttack,
      org.sego.attacks.CrashRollbackAttack;
}
