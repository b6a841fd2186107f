package org.sego.workloads;

import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

/**
 * A parent fills memory and forks children; each child checks the parent's pages, overwrites
 * them, and checks its own copy; the parent then checks that none of the children's writes reached
 * it. Exits with the number of mismatches.
 */
public final class ForkCowWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "fork-cow";
  }

  @Override
  public String description() {
    return "Forked children overwrite the parent's memory copy-on-write; everyone checks their own view";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.dataSize("size", "4 MiB", "memory the parent fills before forking"),
        Parameter.integer("children", 8, 1, 256, "processes", "children forked"));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int pages = (int) (p.dataSize("size").bytes() / Pages.SIZE);
    int children = (int) p.integer("children");
    return u -> {
      var s = u.syscalls();
      long base = Pages.anonymous(s, (long) pages * Pages.SIZE);
      for (int i = 0; i < pages; i++) {
        u.store64(base + (long) i * Pages.SIZE, seed + i);
      }
      for (int k = 0; k < children; k++) {
        long mark = 1_000_000L * (k + 1);
        s.fork(c -> {
          int bad = 0;
          for (int i = 0; i < pages; i++) {
            long a = base + (long) i * Pages.SIZE;
            bad += c.load64(a) == seed + i ? 0 : 1;
            c.store64(a, mark + i);
            bad += c.load64(a) == mark + i ? 0 : 1;
          }
          c.syscalls().exit(Math.min(bad, 255));
        });
      }
      long status = Pages.anonymous(s, Pages.SIZE);
      int bad = 0;
      for (int k = 0; k < children; k++) {
        s.waitpid(-1, status);
        bad += (int) u.load64(status);
      }
      for (int i = 0; i < pages; i++) {
        bad += u.load64(base + (long) i * Pages.SIZE) == seed + i ? 0 : 1;
      }
      s.exit(Math.min(bad, 255));
    };
  }
}
