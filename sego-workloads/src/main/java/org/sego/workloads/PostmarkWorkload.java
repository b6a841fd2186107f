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
import org.sego.api.sim.UserContext;

/**
 * PostMark's shape: a pool of {@code files} small files of seeded sizes, then {@code transactions}
 * transactions of two halves each (read a whole file or append to it; create a file or delete one),
 * then every surviving file read back and deleted. The Java side keeps a length and a generation per
 * file (never the bytes); every byte read is checked against the content function. Exits with the
 * number of reads that came back wrong (capped at 255).
 */
public final class PostmarkWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "postmark";
  }

  @Override
  public String description() {
    return "PostMark-like: many small files created, read, appended and deleted; every byte read checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("files", 300, 1, 1_000_000, "files", "files in the initial pool"),
        Parameter.dataSize("min-size", "512 B", "smallest file created"),
        Parameter.dataSize("max-size", "16 KiB", "largest file created (and the largest append)"),
        Parameter.integer("transactions", 1500, 0, 100_000_000, "transactions", "transactions after the pool is built"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("files", 120, "transactions", 500);
  }

  @Override
  public Work work(Parameters p) {
    return new Work("transactions", p.integer("transactions"));
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long files = p.integer("files");
    long max = p.dataSize("max-size").bytes();
    return new Regime(files >= 100 && max <= 64 * 1024, String.format(Locale.ROOT,
        "small-file: a pool of %,d files of at most %,d bytes, %,d transactions, %,d journal commits",
        files, max, p.integer("transactions"), f.stat("system.guest.fs.journal-commits")));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int files = (int) p.integer("files");
    int min = (int) p.dataSize("min-size").bytes();
    int max = (int) Math.max(min, p.dataSize("max-size").bytes());
    long transactions = p.integer("transactions");
    return u -> {
      var s = u.syscalls();
      long buf = Pages.anonymous(s, max);
      byte[] scratch = new byte[max];
      long[] length = new long[files]; // -1: no such file
      int[] generation = new int[files];
      SplittableRandom r = new SplittableRandom(seed);
      s.mkdir("/pm");
      int bad = 0;
      for (int f = 0; f < files; f++) {
        length[f] = create(u, f, generation[f], min + r.nextInt(max - min + 1), buf, scratch, seed);
      }
      for (long t = 0; t < transactions; t++) {
        int f = r.nextInt(files);
        if (length[f] >= 0) {
          if (r.nextBoolean()) {
            bad += readBack(u, f, generation[f], length[f], buf, scratch, seed) ? 0 : 1;
          } else {
            int n = 1 + r.nextInt(max);
            int fd = s.open(path(f), Fcntl.O_RDWR);
            if (fd < 0 || !Content.pwrite(u, fd, buf, scratch, n, Content.stream(seed, f, generation[f]), length[f])) {
              bad++;
            } else {
              length[f] += n;
            }
            s.close(fd);
          }
        }
        int g = r.nextInt(files);
        if (length[g] >= 0) {
          bad += s.unlink(path(g)) == 0 ? 0 : 1;
          length[g] = -1;
        } else {
          generation[g]++;
          length[g] = create(u, g, generation[g], min + r.nextInt(max - min + 1), buf, scratch, seed);
        }
      }
      for (int f = 0; f < files; f++) {
        if (length[f] >= 0) {
          bad += readBack(u, f, generation[f], length[f], buf, scratch, seed) ? 0 : 1;
          bad += s.unlink(path(f)) == 0 ? 0 : 1;
        } else {
          bad += s.open(path(f), Fcntl.O_RDONLY) < 0 ? 0 : 1; // a deleted file stays deleted
        }
      }
      s.exit(Math.min(bad, 255));
    };
  }

  static String path(int f) {
    return "/pm/f" + f;
  }

  private static long create(UserContext u, int f, int generation, int size, long buf, byte[] scratch, long seed) {
    var s = u.syscalls();
    int fd = s.open(path(f), Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_TRUNC);
    if (fd < 0) {
      return -1;
    }
    boolean ok = Content.pwrite(u, fd, buf, scratch, size, Content.stream(seed, f, generation), 0);
    s.close(fd);
    return ok ? size : -1;
  }

  private static boolean readBack(UserContext u, int f, int generation, long length, long buf, byte[] scratch, long seed) {
    var s = u.syscalls();
    int fd = s.open(path(f), Fcntl.O_RDONLY);
    if (fd < 0) {
      return false;
    }
    long stream = Content.stream(seed, f, generation);
    boolean ok = true;
    for (long off = 0; off < length && ok; off += scratch.length) {
      ok = Content.pread(u, fd, buf, scratch, (int) Math.min(scratch.length, length - off), stream, off);
    }
    s.close(fd);
    return ok;
  }
}
