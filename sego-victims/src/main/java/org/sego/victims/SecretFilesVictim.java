package org.sego.victims;

import org.sego.api.hap.HapProgram;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.VictimProvider;

/**
 * {@code secret-files}: two secure files of canaried pages, reopened, digested and rewritten each
 * round; after a crash it reads what survived.
 */
public final class SecretFilesVictim extends VictimProvider {
  @Override
  public String name() {
    return "secret-files";
  }

  @Override
  public String description() {
    return "A HAP holding two secure files (/secret0, /secret1) of canaried pages, fsynced and committed; each round "
        + "it reopens them, emits each length and digest and rewrites each first page; after a crash it reads what "
        + "survived";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", 4, 1, 4096, "pages", "pages of each of the two secure files"),
        Parameter.integer("rounds", 4, 2, 1000, "rounds", "rounds of reopen, read, digest and rewrite"));
  }

  @Override
  public HapProgram program(Parameters p, long canarySeed) {
    return new FileVictim(canarySeed, (int) p.integer("pages"), (int) p.integer("rounds"));
  }

  @Override
  public long secretPages(Parameters p) {
    return 2 * p.integer("pages");
  }
}
