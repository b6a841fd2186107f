package org.sego.workloads;

import java.util.SplittableRandom;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

/**
 * Writes a working set of known pages, then reads (checking every byte) and rewrites seeded random
 * pages. With a working set larger than the kernel's memory limit, every check is a swap round trip.
 */
public final class MemoryPressureWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "memory-pressure";
  }

  @Override
  public String description() {
    return "Random reads and writes over a working set, every page checked whole; exits 1 if a byte came back wrong";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.dataSize("working-set", "32 MiB", "memory written and then accessed at random"),
        Parameter.integer("accesses", 0, 0, Integer.MAX_VALUE, "pages", "random page accesses after the first pass (0: three per page)"),
        Parameter.integer("write-permille", 333, 0, 1000, "permille", "share of accesses that rewrite the page"));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int pages = (int) (p.dataSize("working-set").bytes() / Pages.SIZE);
    long accesses = p.integer("accesses") == 0 ? 3L * pages : p.integer("accesses");
    long writes = p.integer("write-permille");
    return u -> {
      long base = Pages.anonymous(u.syscalls(), (long) pages * Pages.SIZE);
      int[] version = new int[pages];
      byte[] expected = new byte[Pages.SIZE];
      byte[] scratch = new byte[Pages.SIZE];
      for (int i = 0; i < pages; i++) {
        Pages.content(expected, seed, i, 0);
        u.write(base + (long) i * Pages.SIZE, expected, 0, Pages.SIZE);
      }
      SplittableRandom r = new SplittableRandom(seed);
      for (long n = 0; n < accesses; n++) {
        int i = r.nextInt(pages);
        Pages.content(expected, seed, i, version[i]);
        if (!Pages.holds(u, base + (long) i * Pages.SIZE, expected, scratch)) {
          u.syscalls().exit(1);
        }
        if (r.nextInt(1000) < writes) {
          Pages.content(expected, seed, i, ++version[i]);
          u.write(base + (long) i * Pages.SIZE, expected, 0, Pages.SIZE);
        }
      }
      u.syscalls().exit(0);
    };
  }
}
