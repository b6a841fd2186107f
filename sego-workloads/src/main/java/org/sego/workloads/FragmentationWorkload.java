package org.sego.workloads;

import java.util.SplittableRandom;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.sim.Program;

/**
 * Fragments physical memory (fills it page by page, then frees every other page), then works on a
 * large aligned region at random. Without compaction the region gets 4 KiB pages; with it, the
 * kernel can build 2 MiB ranges and collapse the region into 2 MiB pages, cutting TLB misses.
 */
public final class FragmentationWorkload extends WorkloadProvider {

  @Override
  public String name() {
    return "fragmentation";
  }

  @Override
  public String description() {
    return "Fragments memory, then accesses a large region at random: shows what compaction and 2 MiB pages buy";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.dataSize("fragment", "56 MiB", "memory filled page by page and then freed every other page "
            + "(set it near the kernel's memory limit)"),
        Parameter.dataSize("region", "8 MiB", "the region worked on afterwards"),
        Parameter.integer("accesses", 400_000, 1, Integer.MAX_VALUE, "accesses", "random 8-byte accesses to the region"),
        Parameter.duration("wait", "20 ms", "time given to compaction between the phases"));
  }

  @Override
  public Program program(Parameters p, long seed) {
    long fragment = p.dataSize("fragment").bytes();
    long region = p.dataSize("region").bytes();
    long accesses = p.integer("accesses");
    long wait = p.duration("wait").nanos();
    long twoMiB = 2L << 20;
    return u -> {
      var s = u.syscalls();
      long[] chunk = Pages.fragment(u, fragment);
      long raw = Pages.anonymous(s, region + twoMiB);
      long a = (raw + twoMiB - 1) & ~(twoMiB - 1);
      for (long off = 0; off < region; off += Pages.SIZE) {
        u.store64(a + off, off);
      }
      Pages.idle(u, wait);
      SplittableRandom r = new SplittableRandom(seed);
      int bad = 0;
      for (long n = 0; n < accesses; n++) {
        long off = r.nextLong(region) & ~7L;
        long page = off & ~(Pages.SIZE - 1L);
        if ((off & (Pages.SIZE - 1)) == 0 && u.load64(a + off) != page) {
          bad++;
        }
        u.load64(a + off);
      }
      bad += Pages.fragmentsIntact(u, chunk);
      s.exit(Math.min(bad, 255));
    };
  }
}
