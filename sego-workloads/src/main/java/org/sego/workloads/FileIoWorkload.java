package org.sego.workloads;

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
 * The I/O microbenchmark of the Sego paper's S-file measurements: {@code queue-depth} processes
 * each write their share of {@code size} to a file of their own in {@code request}-sized requests,
 * sequentially or in a seeded random order, with an fsync every {@code fsync-every} bytes and at the
 * end (a random pattern overwrites a file laid out sequentially first: a secure file is never
 * sparse); then each reads its file back in the same order and checks every byte against the content
 * function. Exits with the number of requests that failed or came back wrong.
 */
public final class FileIoWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "file-io";
  }

  @Override
  public String description() {
    return "Sequential or random file writes with fsync, then reads, at a request size and queue depth; every byte checked";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.dataSize("size", "24 MiB", "bytes written (and read back) in all"),
        Parameter.dataSize("request", "64 KiB", "bytes per read or write request"),
        Parameter.choice("pattern", "sequential", "order of the requests in each file", "sequential", "random"),
        Parameter.integer("queue-depth", 1, 1, 64, "processes", "processes doing I/O at once, each on its own file"),
        Parameter.dataSize("fsync-every", "4 MiB", "an fsync after this many bytes written to a file (and one at its end)"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("size", "4 MiB");
  }

  @Override
  public Work work(Parameters p) {
    long passes = p.string("pattern").equals("random") ? 3 : 2; // (random: a sequential layout first)
    return new Work("bytes", passes * share(p) * p.integer("queue-depth"));
  }

  private static long share(Parameters p) {
    long request = p.dataSize("request").bytes();
    long perFile = p.dataSize("size").bytes() / p.integer("queue-depth");
    return Math.max(1, perFile / request) * request;
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long written = share(p) * p.integer("queue-depth");
    long misses = f.stat("system.guest.fs.cache-misses");
    boolean held = written >= 4 * f.memoryLimitBytes() && misses > 0;
    return new Regime(held, String.format(java.util.Locale.ROOT,
        "device-bound: %,d bytes written %s 4 x the %,d-byte memory limit (page cache), %,d page-cache misses",
        written, written >= 4 * f.memoryLimitBytes() ? ">=" : "<", f.memoryLimitBytes(), misses));
  }

  @Override
  public Program program(Parameters p, long seed) {
    int request = (int) p.dataSize("request").bytes();
    long perFile = share(p);
    int depth = (int) p.integer("queue-depth");
    boolean random = p.string("pattern").equals("random");
    long fsyncEvery = Math.max(request, p.dataSize("fsync-every").bytes());
    return u -> {
      for (int k = 1; k < depth; k++) {
        int file = k;
        u.syscalls().fork(c -> c.syscalls().exit(Math.min(one(c, seed, file, perFile, request, random, fsyncEvery), 255)));
      }
      int bad = one(u, seed, 0, perFile, request, random, fsyncEvery);
      bad += Content.reap(u, depth - 1);
      u.syscalls().exit(Math.min(bad, 255));
    };
  }

  /** One process's file: written, fsynced, read back and checked; the count of bad requests. */
  static int one(UserContext u, long seed, int file, long bytes, int request, boolean random, long fsyncEvery) {
    var s = u.syscalls();
    int requests = (int) (bytes / request);
    int[] order = new int[requests]; // (one int per request, not per byte)
    for (int i = 0; i < requests; i++) {
      order[i] = i;
    }
    if (random) {
      SplittableRandom r = new SplittableRandom(Content.stream(seed, file, 99));
      for (int i = requests - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    long stream = Content.stream(seed, file, random ? 1 : 0);
    long buf = Pages.anonymous(s, request);
    byte[] scratch = new byte[request];
    String path = "/io" + file;
    int fd = s.open(path, Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_TRUNC);
    if (fd < 0) {
      return requests;
    }
    int bad = 0;
    if (random) { // laid out first, as fio does: secure files may not be sparse
      long layout = Content.stream(seed, file, 0);
      for (int i = 0; i < requests; i++) {
        bad += Content.pwrite(u, fd, buf, scratch, request, layout, (long) i * request) ? 0 : 1;
      }
      bad += s.fsync(fd) == 0 ? 0 : 1;
    }
    long sinceSync = 0;
    for (int i = 0; i < requests; i++) {
      bad += Content.pwrite(u, fd, buf, scratch, request, stream, (long) order[i] * request) ? 0 : 1;
      sinceSync += request;
      if (sinceSync >= fsyncEvery) {
        bad += s.fsync(fd) == 0 ? 0 : 1;
        sinceSync = 0;
      }
    }
    bad += s.fsync(fd) == 0 ? 0 : 1;
    for (int i = 0; i < requests; i++) {
      bad += Content.pread(u, fd, buf, scratch, request, stream, (long) order[i] * request) ? 0 : 1;
    }
    s.close(fd);
    return bad;
  }
}
