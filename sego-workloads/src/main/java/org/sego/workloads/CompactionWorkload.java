package org.sego.workloads;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

/**
 * Fragments memory (fills {@code fragment} page by page in 1 MiB areas, then frees every other
 * page), then maps a 2 MiB-aligned {@code region}, fills it, gives the compaction daemon {@code
 * wait} and runs {@code accesses} random page reads over it, each page checked whole. With
 * compaction the kernel builds 2 MiB pages for the region and the TLB misses fall; a strategy that
 * cannot move protected pages shows it. Exits with the number of wrong pages (capped at 255).
 */
public final class CompactionWorkload extends WorkloadProvider {
  private static final long TWO_MIB = 2L << 20;

  @Override
  public String name() {
    return "compaction";
  }

  @Override
  public String description() {
    return "Fragments memory, then runs on a region the kernel may compact into 2 MiB pages; every page checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.dataSize("fragment", "12 MiB", "memory filled page by page, then freed every other page"),
        Parameter.dataSize("region", "4 MiB", "the region worked on afterwards"),
        Parameter.integer("accesses", 6000, 1, Integer.MAX_VALUE, "pages", "random whole-page reads of the region"),
        Parameter.duration("wait", "20 ms", "time given to compaction between the phases"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("accesses", 2000, "wait", "10 ms");
  }

  @Override
  public Work work(Parameters p) {
    return new Work("pages", p.integer("accesses"));
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long unavailable = f.stat("system.guest.mm.huge-unavailable");
    long built = f.stat("system.guest.compaction.collapses");
    return new Regime(unavailable > 0, String.format(Locale.ROOT,
        "fragmented: %,d times no free 2 MiB range at fault, %,d 2 MiB pages built by compaction, %,d pages migrated",
        unavailable, built, f.stat("system.guest.compaction.migrated")));
  }

  @Override
  public Program program(Parameters p, long seed) {
    long fragment = p.dataSize("fragment").bytes();
    long region = p.dataSize("region").bytes() / Pages.SIZE * Pages.SIZE;
    long accesses = p.integer("accesses");
    long wait = p.duration("wait").nanos();
    return u -> {
      var s = u.syscalls();
      long[] chunk = Pages.fragment(u, fragment);
      long raw = Pages.anonymous(s, region + TWO_MIB);
      long a = (raw + TWO_MIB - 1) & ~(TWO_MIB - 1);
      byte[] page = new byte[Pages.SIZE];
      long stream = Content.stream(seed, 7, 0);
      for (long off = 0; off < region; off += Pages.SIZE) {
        Content.fill(page, 0, Pages.SIZE, stream, off);
        u.write(a + off, page, 0, Pages.SIZE);
      }
      Pages.idle(u, wait);
      SplittableRandom r = new SplittableRandom(seed);
      int bad = 0;
      for (long n = 0; n < accesses; n++) {
        long off = r.nextLong(region / Pages.SIZE) * Pages.SIZE;
        u.read(a + off, page, 0, Pages.SIZE);
        bad += Content.matches(page, 0, Pages.SIZE, stream, off) ? 0 : 1;
      }
      bad += Pages.fragmentsIntact(u, chunk);
      s.exit(Math.min(bad, 255));
    };
  }
}
