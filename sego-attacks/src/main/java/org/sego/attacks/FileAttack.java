package org.sego.attacks;

import java.util.Map;
import org.sego.api.attack.Victim;
import org.sego.api.plugin.AttackProvider;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;

/** The victim ({@code secret-files}), parameters and guest set-up (a file system) the file attacks share. */
abstract class FileAttack extends AttackProvider {
  static final String DISK = "disk";

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", 4, 1, 4096, "pages", "pages of each of the victim's two secure files"),
        Parameter.integer("rounds", 4, 2, 1000, "rounds", "rounds of reopen, read, digest and rewrite"));
  }

  /** The victim library's {@code secret-files}, with this attack's pages and rounds. */
  @Override
  public Victim victim(Parameters p) {
    return new Victim("secret-files", Map.of("pages", p.integer("pages"), "rounds", p.integer("rounds")));
  }

  @Override
  public Map<String, Object> guestParameters(Parameters p) {
    return Map.of("fs-device", DISK);
  }
}
