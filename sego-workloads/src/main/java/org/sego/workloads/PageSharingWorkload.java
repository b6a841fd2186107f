package org.sego.workloads;

import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

/**
 * Fills many pages with few distinct contents, waits for the page-sharing scanner, checks every
 * page, then writes to some (splitting shared pages copy-on-write) and checks again.
 */
public final class PageSharingWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "page-sharing";
  }

  @Override
  public String description() {
    return "Many pages with few distinct contents: the sharing scanner merges them, writes split them; every page checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", 2048, 1, 1 << 22, "pages", "pages filled"),
        Parameter.integer("distinct", 16, 1, 1 << 22, "pages", "distinct contents among them"),
        Parameter.duration("wait", "20 ms", "time given to the scanner before checking"));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int pages = (int) p.integer("pages");
    int distinct = (int) p.integer("distinct");
    long wait = p.duration("wait").nanos();
    return u -> {
      long base = Pages.anonymous(u.syscalls(), (long) pages * Pages.SIZE);
      Pages.fillRepeating(u, base, pages, distinct, seed);
      Pages.idle(u, wait);
      int bad = Pages.wrongRepeating(u, base, pages, distinct, seed, 0, null);
      Pages.mark(u, base, pages, 3, i -> i);
      bad += Pages.wrongRepeating(u, base, pages, distinct, seed, 3, i -> i);
      u.syscalls().exit(Math.min(bad, 255));
    };
  }
}
