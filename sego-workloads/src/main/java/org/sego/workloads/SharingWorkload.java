package org.sego.workloads;

import java.util.Locale;
import java.util.Map;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;
import org.sego.api.sim.UserContext;

/**
 * Several processes (as HAPs: several HAPs) each fill {@code pages} pages with the same {@code
 * distinct} contents, wait for the kernel's page-sharing scanner, check every page, write to every
 * fourth page (splitting what was merged) and check again. A strategy that cannot share protected
 * pages, or only within one HAP, shows it in {@code system.guest.sharing.merged}. Exits with the
 * number of wrong pages (capped at 255).
 */
public final class SharingWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "sharing";
  }

  @Override
  public String description() {
    return "Several processes (HAPs) hold identical pages: what the sharing scanner may merge; every page checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("processes", 4, 1, 64, "processes", "processes (the first and its forked children)"),
        Parameter.integer("pages", 512, 1, 1 << 20, "pages", "pages each process fills"),
        Parameter.integer("distinct", 8, 1, 1 << 20, "pages", "distinct contents among them, the same in every process"),
        Parameter.duration("wait", "20 ms", "time given to the scanner before checking"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("pages", 256, "wait", "10 ms");
  }

  @Override
  public Work work(Parameters p) {
    return new Work("pages", p.integer("processes") * p.integer("pages"));
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long duplicates = p.integer("processes") * p.integer("pages") - p.integer("distinct");
    return new Regime(duplicates > 0 && f.stat("system.guest.sharing.unchanged") + f.stat("system.guest.sharing.merged") > 0,
        String.format(Locale.ROOT, "duplicate pages: %,d of %,d pages duplicate, across %d processes; %,d merged",
            duplicates, p.integer("processes") * p.integer("pages"), p.integer("processes"), f.stat("system.guest.sharing.merged")));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int processes = (int) p.integer("processes");
    int pages = (int) p.integer("pages");
    int distinct = (int) p.integer("distinct");
    long wait = p.duration("wait").nanos();
    return u -> {
      for (int k = 1; k < processes; k++) {
        u.syscalls().fork(c -> c.syscalls().exit(Math.min(one(c, seed, pages, distinct, wait), 255)));
      }
      int bad = one(u, seed, pages, distinct, wait);
      bad += Content.reap(u, processes - 1);
      u.syscalls().exit(Math.min(bad, 255));
    };
  }

  static int one(UserContext u, long seed, int pages, int distinct, long wait) {
    long base = Pages.anonymous(u.syscalls(), (long) pages * Pages.SIZE);
    Pages.fillRepeating(u, base, pages, distinct, seed);
    Pages.idle(u, wait);
    int bad = Pages.wrongRepeating(u, base, pages, distinct, seed, 0, null);
    java.util.function.LongUnaryOperator marker = i -> u.pid() * 1_000_003L + i;
    Pages.mark(u, base, pages, 4, marker);
    return bad + Pages.wrongRepeating(u, base, pages, distinct, seed, 4, marker);
  }
}
