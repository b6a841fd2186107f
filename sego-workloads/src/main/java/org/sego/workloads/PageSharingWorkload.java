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
      byte[] expected = new byte[Pages.SIZE];
      byte[] scratch = new byte[Pages.SIZE];
      for (int i = 0; i < pages; i++) {
        Pages.content(expected, seed, i % distinct, 0);
        u.write(base + (long) i * Pages.SIZE, expected, 0, Pages.SIZE);
      }
      Pages.idle(u, wait);
      int bad = 0;
      for (int i = 0; i < pages; i++) {
        Pages.content(expected, seed, i % distinct, 0);
        bad += Pages.holds(u, base + (long) i * Pages.SIZE, expected, scratch) ? 0 : 1;
      }
      for (int i = 0; i < pages; i += 3) {
        u.store64(base + (long) i * Pages.SIZE, i);
      }
      for (int i = 0; i < pages; i++) {
        Pages.content(expected, seed, i % distinct, 0);
        if (i % 3 == 0) {
          java.nio.ByteBuffer.wrap(expected).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, i);
        }
        bad += Pages.holds(u, base + (long) i * Pages.SIZE, expected, scratch) ? 0 : 1;
      }
      u.syscalls().exit(Math.min(bad, 255));
    };
  }
}
