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
 * The shape of the HPC Graph Analysis benchmark the Sego paper runs: a seeded random graph of
 * {@code vertices} with {@code degree} out-edges each (most of them to nearby vertices), held in simulated memory (edges, BFS depths
 * and queue, two rank arrays: {@code vertices * (4 * degree + 32)} bytes), a breadth-first search
 * from vertex 0, then {@code passes} PageRank-style passes in integer arithmetic. Larger than the
 * guest's memory limit, it is swap-bound. The digests of the depths and the ranks, read back from
 * simulated memory, are compared with the same computation done in plain Java outside the
 * simulation before the run; exits 1 for a wrong depth digest, 2 for a wrong rank digest.
 */
public final class GraphWorkload extends WorkloadProvider {
  @Override
  public String name() {
    return "graph";
  }

  @Override
  public String description() {
    return "BFS and PageRank-style passes over a random graph larger than memory (swap-bound); digests checked against a reference";
  }

  @Override
  public ParameterSchema parameters() {
    return ParameterSchema.of(
        Parameter.integer("vertices", 163_840, 16, 1 << 24, "vertices", "vertices of the graph"),
        Parameter.integer("degree", 8, 1, 64, "edges", "out-edges per vertex"),
        Parameter.integer("passes", 2, 0, 100, "passes", "PageRank-style passes after the BFS"));
  }

  @Override
  public Map<String, Object> quickParameters() {
    return Map.of("passes", 1);
  }

  static long workingSet(Parameters p) {
    return p.integer("vertices") * (4 * p.integer("degree") + 32);
  }

  @Override
  public Work work(Parameters p) {
    return new Work("edges", p.integer("vertices") * p.integer("degree") * (1 + p.integer("passes")));
  }

  @Override
  public Regime regime(Parameters p, RunFacts f) {
    long ws = workingSet(p);
    long ins = f.stat("system.guest.swap.ins");
    boolean held = ws * 2 >= 3 * f.memoryLimitBytes() && ins > 0;
    return new Regime(held, String.format(Locale.ROOT, "swap-bound: working set %,d bytes %s 1.5 x the %,d-byte memory limit, %,d swap-ins",
        ws, ws * 2 >= 3 * f.memoryLimitBytes() ? ">=" : "<", f.memoryLimitBytes(), ins));
  }

  /** Seven edges in eight stay within 512 vertices of their source (community structure), the rest go anywhere. */
  static int neighbor(long stream, int v, int j, int degree, int vertices) {
    long h = Content.mix(stream + (long) v * degree + j) >>> 1;
    if ((h & 7) != 0 && vertices > 1024) {
      return (int) Math.floorMod(v + (h >>> 3) % 1024 - 512, (long) vertices);
    }
    return (int) ((h >>> 3) % vertices);
  }

  static long weight(int v) {
    return Content.mix(v) | 1;
  }

  /** The reference, in plain Java outside the simulation: {depth digest, rank digest}. */
  static long[] reference(long stream, int vertices, int degree, int passes) {
    int[] edges = new int[vertices * degree];
    for (int v = 0; v < vertices; v++) {
      for (int j = 0; j < degree; j++) {
        edges[v * degree + j] = neighbor(stream, v, j, degree, vertices);
      }
    }
    long[] depth = new long[vertices];
    int[] queue = new int[vertices];
    int head = 0;
    int tail = 0;
    depth[0] = 1;
    queue[tail++] = 0;
    while (head < tail) {
      int v = queue[head++];
      for (int j = 0; j < degree; j++) {
        int w = edges[v * degree + j];
        if (depth[w] == 0) {
          depth[w] = depth[v] + 1;
          queue[tail++] = w;
        }
      }
    }
    long[] rank = new long[vertices];
    java.util.Arrays.fill(rank, 1L << 20);
    for (int pass = 0; pass < passes; pass++) {
      long[] next = new long[vertices];
      for (int v = 0; v < vertices; v++) {
        long share = rank[v] / degree;
        for (int j = 0; j < degree; j++) {
          next[edges[v * degree + j]] += share;
        }
      }
      rank = next;
    }
    long d = 0;
    long r = 0;
    for (int v = 0; v < vertices; v++) {
      d += depth[v] * weight(v);
      r += rank[v] * weight(v);
    }
    return new long[] {d, r};
  }

  @Override
  public Program program(Parameters p, long seed) {
    int vertices = (int) p.integer("vertices");
    int degree = (int) p.integer("degree");
    int passes = (int) p.integer("passes");
    long stream = Content.stream(seed, 0, 0);
    long[] expected = reference(stream, vertices, degree, passes);
    return u -> {
      var s = u.syscalls();
      long edges = Pages.anonymous(s, 4L * vertices * degree);
      long depth = Pages.anonymous(s, 8L * vertices);
      long queue = Pages.anonymous(s, 8L * vertices);
      long rank = Pages.anonymous(s, 8L * vertices);
      long next = Pages.anonymous(s, 8L * vertices);
      byte[] row = new byte[4 * degree];
      java.nio.ByteBuffer rb = java.nio.ByteBuffer.wrap(row).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      for (int v = 0; v < vertices; v++) {
        for (int j = 0; j < degree; j++) {
          rb.putInt(4 * j, neighbor(stream, v, j, degree, vertices));
        }
        u.write(edges + 4L * v * degree, row, 0, row.length);
      }
      // Breadth-first search from vertex 0: depth + 1 stored (anonymous memory starts zeroed).
      u.store64(depth, 1);
      u.store64(queue, 0);
      long head = 0;
      long tail = 1;
      while (head < tail) {
        int v = (int) u.load64(queue + 8 * head++);
        long d = u.load64(depth + 8L * v);
        u.read(edges + 4L * v * degree, row, 0, row.length);
        u.compute(degree);
        for (int j = 0; j < degree; j++) {
          int w = rb.getInt(4 * j);
          if (u.load64(depth + 8L * w) == 0) {
            u.store64(depth + 8L * w, d + 1);
            u.store64(queue + 8 * tail++, w);
          }
        }
      }
      for (int v = 0; v < vertices; v++) {
        u.store64(rank + 8L * v, 1L << 20);
      }
      byte[] zero = new byte[Pages.SIZE];
      for (int pass = 0; pass < passes; pass++) {
        for (long off = 0; off < 8L * vertices; off += Pages.SIZE) {
          u.write(next + off, zero, 0, (int) Math.min(Pages.SIZE, 8L * vertices - off));
        }
        for (int v = 0; v < vertices; v++) {
          long share = u.load64(rank + 8L * v) / degree;
          u.read(edges + 4L * v * degree, row, 0, row.length);
          u.compute(degree);
          for (int j = 0; j < degree; j++) {
            long a = next + 8L * rb.getInt(4 * j);
            u.store64(a, u.load64(a) + share);
          }
        }
        long t = rank;
        rank = next;
        next = t;
      }
      int bad = digest(u, depth, vertices) == expected[0] ? 0 : 1;
      bad |= digest(u, rank, vertices) == expected[1] ? 0 : 2;
      s.exit(bad);
    };
  }

  private static long digest(UserContext u, long array, int vertices) {
    long sum = 0;
    for (int v = 0; v < vertices; v++) {
      sum += u.load64(array + 8L * v) * weight(v);
    }
    return sum;
  }
}
