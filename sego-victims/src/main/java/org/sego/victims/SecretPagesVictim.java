package org.sego.victims;

import org.sego.api.hap.HapProgram;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.VictimProvider;

/** {@code secret-pages}: canaried pages in secure memory, read back, digested and partly rewritten each round. */
public final class SecretPagesVictim extends VictimProvider {
  @Override
  public String name() {
    return "secret-pages";
  }

  @Override
  public String description() {
    return "A HAP holding canaried pages in secure memory; each round it enters the kernel (clockNanos), reads every "
        + "page back, emits a digest and rewrites a quarter of the pages";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", 64, 4, 1 << 20, "pages", "secret pages the victim holds"),
        Parameter.integer("rounds", 6, 2, 1000, "rounds", "rounds of read-back, digest and rewrite"));
  }

  @Override
  public HapProgram program(Parameters p, long canarySeed) {
    return new SecretVictim(canarySeed, (int) p.integer("pages"), (int) p.integer("rounds"));
  }

  @Override
  public long secretPages(Parameters p) {
    return p.integer("pages");
  }
}
