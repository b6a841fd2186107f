package org.sego.workloads;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.Parameters;
import org.sego.api.plugin.WorkloadProvider;
import org.sego.api.posix.Fcntl;
import org.sego.api.sim.Program;

/**
 * DokuWiki's shape: {@code pages} page files of seeded sizes, then {@code requests} requests with a
 * skewed popularity, each an open, whole read and close of a page (checked against the content
 * function), a few ({@code writes} per mille) an edit that rewrites the page in place at a new
 * generation and fsyncs it. The pages fit in the page cache: many small reads through it. Exits
 * with the number of requests that came back wrong (capped at 255).
 */
public final class WikiWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "wiki";
  }

  @Override
  public String description() {
    return "DokuWiki-like: skewed small reads of page files through the page cache, a few edits with fsync; every byte checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("pages", 300, 1, 1_000_000, "files", "wiki pages, one file each"),
        Parameter.dataSize("max-size", "12 KiB", "largest page (sizes are seeded from 1 KiB up)"),
        Parameter.integer("requests", 4000, 0, 100_000_000, "requests", "page requests"),
        Parameter.integer("writes", 50, 0, 1000, "permille", "requests that edit the page"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("pages", 120, "requests", 1200);
  }

  @Override
  public Work work(Parameters p) {
    return new Work("requests", p.integer("requests"));
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long bytes = p.integer("pages") * p.dataSize("max-size").bytes();
    long hits = f.stat("system.guest.fs.cache-hits");
    long misses = f.stat("system.guest.fs.cache-misses");
    return new Regime(bytes <= f.memoryLimitBytes() && hits > misses, String.format(Locale.ROOT,
        "page-cache-bound: at most %,d bytes of pages %s the %,d-byte memory limit, %,d cache hits vs %,d misses",
        bytes, bytes <= f.memoryLimitBytes() ? "within" : "beyond", f.memoryLimitBytes(), hits, misses));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int pages = (int) p.integer("pages");
    int max = (int) Math.max(1024, p.dataSize("max-size").bytes());
    long requests = p.integer("requests");
    int writes = (int) p.integer("writes");
    return u -> {
      var s = u.syscalls();
      long buf = Pages.anonymous(s, max);
      byte[] scratch = new byte[max];
      int[] size = new int[pages];
      int[] generation = new int[pages];
      SplittableRandom r = new SplittableRandom(seed);
      s.mkdir("/wiki");
      int bad = 0;
      for (int i = 0; i < pages; i++) {
        size[i] = 1024 + r.nextInt(max - 1024 + 1);
        bad += write(u, i, 0, size[i], buf, scratch, seed, false) ? 0 : 1;
      }
      for (long q = 0; q < requests; q++) {
        double x = r.nextDouble();
        int i = (int) (pages * x * x * x); // popular pages first
        if (r.nextInt(1000) < writes) {
          generation[i]++;
          bad += write(u, i, generation[i], size[i], buf, scratch, seed, true) ? 0 : 1;
          continue;
        }
        int fd = s.open("/wiki/p" + i, Fcntl.O_RDONLY);
        bad += fd >= 0 && Content.pread(u, fd, buf, scratch, size[i], Content.stream(seed, i, generation[i]), 0) ? 0 : 1;
        s.close(fd);
        u.compute(size[i] / 8); // rendering
      }
      s.exit(Math.min(bad, 255));
    };
  }

  private static boolean write(org.sego.api.sim.UserContext u, int i, int generation, int size, long buf, byte[] scratch,
      long seed, boolean sync) {
    var s = u.syscalls();
    int fd = s.open("/wiki/p" + i, Fcntl.O_RDWR | Fcntl.O_CREAT); // rewritten in place: never shrunk
    boolean ok = fd >= 0 && Content.pwrite(u, fd, buf, scratch, size, Content.stream(seed, i, generation), 0)
        && (!sync || s.fsync(fd) == 0);
    s.close(fd);
    return ok;
  }
}
