package org.sego.attacks;

import java.util.Map;
import org.sego.api.hap.HapProgram;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;

/** The victim, parameters and guest set-up (a file system) the file attacks share. */
abstract class FileAttack extends AttackProvider {
  static final String DISK = "disk";

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", 4, 1, 4096, "pages", "pages of each of the victim's two secure files"),
        Parameter.integer("rounds", 4, 2, 1000, "rounds", "rounds of reopen, read, digest and rewrite"));
  }

  @Override
  public HapProgram victim(Parameters p, long seed) {
    return new FileVictim(seed, (int) p.integer("pages"), (int) p.integer("rounds"));
  }

  @Override
  public long secretPages(Parameters p) {
    return 2 * p.integer("pages");
  }

  @Override
  public Map<String, Object> guestParameters(Parameters p) {
    return Map.of("fs-device", DISK);
  }
}
