package org.sego.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code ./sego bench --quick}: the whole suite in one JMH run, one fork per benchmark, with {@code
 * -prof gc}, then whole-process runs of the shipped specs, then {@code docs/performance.md} (and the
 * table in the README between its {@code perf-table} markers) written from what was measured: each
 * figure, its anchor in the same run, the ratio, the target and whether it is met, the machine and
 * the date.
 */
public final class QuickBench {
  private QuickBench() {}

  /** A measured figure: mean, error (99.9 %), unit, bytes allocated per operation. */
  record Figure(double score, double error, String unit, double bytesPerOp) {
    double nanos() {
      switch (unit) {
        case "ns/op":
          return score;
        case "us/op":
          return score * 1e3;
        case "ms/op":
          return score * 1e6;
        case "s/op":
          return score * 1e9;
        default:
          throw new IllegalStateException("unit " + unit);
      }
    }
  }

  public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
    Path root = Path.of(args.length > 0 ? args[0] : "").toAbsolutePath();
    boolean noProcess = Arrays.asList(args).contains("--no-process");
    Options opt = new OptionsBuilder()
        .include("org\\.sego\\.bench\\.MemoryBenchmark\\.")
        .include("org\\.sego\\.bench\\.TranslationBenchmark\\.translate")
        .include("org\\.sego\\.bench\\.CryptoBenchmark\\.(aesGcm|aesGcmBc|sha256|sha256Bc)$")
        .include("org\\.sego\\.bench\\.MetadataBenchmark\\.")
        .include("org\\.sego\\.bench\\.RoundTripBenchmark\\.")
        .include("org\\.sego\\.bench\\.SteadyRoundTripBenchmark\\.")
        .include("org\\.sego\\.bench\\.SegoRoundTripBenchmark\\.")
        .include("org\\.sego\\.bench\\.SpecSpeedBenchmark\\.")
        // Each benchmark keeps its class's iterations (1 or 2 s each), so the suite takes a few minutes.
        .forks(1)
        .addProfiler(GCProfiler.class)
        .jvmArgsPrepend("-Dsego.root=" + root)
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    Map<String, Figure> figures = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark().replace("org.sego.bench.", "");
      for (String p : r.getParams().getParamsKeys()) {
        name += "[" + r.getParams().getParam(p) + "]";
      }
      Result<?> primary = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      figures.put(name, new Figure(primary.getScore(), primary.getScoreError(), primary.getScoreUnit(),
          alloc == null ? Double.NaN : alloc.getScore()));
    }
    Map<String, Long> simulated = new LinkedHashMap<>();
    Map<String, double[]> process = new LinkedHashMap<>();
    for (String spec : specs()) {
      simulated.put(spec, SpecSpeedBenchmark.runOnce(spec));
    }
    double jvmStart = Double.NaN;
    if (!noProcess) {
      System.setProperty("sego.root", root.toString());
      jvmStart = median(wallSeconds(root, List.of("--version"), 3));
      for (String spec : specs()) {
        Path out = Files.createTempDirectory("sego-quick-" + spec);
        process.put(spec, wallSeconds(root, List.of("run", "examples/specs/" + spec + ".toml", "--out", out.toString()), 3));
      }
    }
    String table = table(figures, simulated, process, jvmStart);
    String page = page(table);
    Files.writeString(root.resolve("docs/performance.md"), page, StandardCharsets.UTF_8);
    updateReadme(root.resolve("README.md"), table);
    System.out.println();
    System.out.println(table);
    System.out.println("wrote " + root.resolve("docs/performance.md") + " and the README's table");
  }

  static List<String> specs() {
    try {
      return Arrays.asList((String[]) SpecSpeedBenchmark.class.getField("spec").getAnnotation(
          org.openjdk.jmh.annotations.Param.class).value());
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Wall seconds of {@code runs} whole {@code ./sego} processes (what {@code /usr/bin/time} reports as elapsed). */
  static double[] wallSeconds(Path root, List<String> args, int runs) throws IOException, InterruptedException {
    double[] t = new double[runs];
    for (int i = 0; i < runs; i++) {
      List<String> cmd = new ArrayList<>();
      cmd.add(root.resolve("sego").toString());
      cmd.addAll(args);
      long start = System.nanoTime();
      Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      int rc = p.waitFor();
      t[i] = (System.nanoTime() - start) / 1e9;
      if (rc != 0) {
        throw new IllegalStateException("./sego " + String.join(" ", args) + " exited with " + rc);
      }
    }
    return t;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String time(double ns) {
    if (ns >= 1e6) {
      return String.format(Locale.ROOT, "%,.1f ms", ns / 1e6);
    }
    if (ns >= 1e3) {
      return String.format(Locale.ROOT, "%,.2f µs", ns / 1e3);
    }
    return String.format(Locale.ROOT, "%,.1f ns", ns);
  }

  private static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "—";
    }
    return b < 0.5 ? "0 B" : String.format(Locale.ROOT, "%,.0f B", b);
  }

  private static String check(boolean met) {
    return met ? "met" : "**missed**";
  }

  static String table(Map<String, Figure> f, Map<String, Long> simulated, Map<String, double[]> process, double jvmStart) {
    StringBuilder t = new StringBuilder();
    Figure copy = f.get("MemoryBenchmark.copy4kHot");
    if (copy == null) {
      return "The anchor, `MemoryBenchmark.copy4kHot`, was not measured (see JMH's output above): no ratios.\n";
    }
    double anchor = copy.nanos();
    t.append("| figure | time | allocated | × hot 4 KiB copy | target |\n|---|---|---|---|---|\n");
    row(t, "4 KiB copy, hot arrays (the anchor: `MemoryBenchmark.copy4kHot`)", copy, anchor, "—");
    row(t, "4 KiB copy spread over 16 MiB (`copy4kSpread`)", f.get("MemoryBenchmark.copy4kSpread"), anchor, "—");
    Figure read = f.get("MemoryBenchmark.frameRead4k");
    Figure write = f.get("MemoryBenchmark.frameWrite4k");
    row(t, "4 KiB frame read (`frameRead4k`)", read, anchor, read == null ? "≤ 1.2× copy" : "≤ 1.2× copy: "
        + check(read.nanos() <= 1.2 * anchor));
    row(t, "4 KiB frame write (`frameWrite4k`)", write, anchor, write == null ? "≤ 1.2× copy" : "≤ 1.2× copy: "
        + check(write.nanos() <= 1.2 * anchor));
    row(t, "zero a written frame, then touch it (`frameZeroAndTouch`)", f.get("MemoryBenchmark.frameZeroAndTouch"), anchor, "—");
    Figure hit = f.get("TranslationBenchmark.translateTlbHit");
    row(t, "translation, TLB hit (`translateTlbHit`)", hit, anchor, hit == null ? "≤ 20 ns, 0 B"
        : "≤ 20 ns, 0 B: " + check(hit.nanos() <= 20 && hit.bytesPerOp() < 0.5));
    row(t, "translation, TLB miss: 4-level walk (`translateTlbMiss`)", f.get("TranslationBenchmark.translateTlbMiss"), anchor, "—");
    row(t, "AES-128-GCM of 4 KiB, JDK (`aesGcm`)", f.get("CryptoBenchmark.aesGcm"), anchor, "—");
    row(t, "AES-128-GCM of 4 KiB, Bouncy Castle (`aesGcmBc`)", f.get("CryptoBenchmark.aesGcmBc"), anchor, "—");
    row(t, "SHA-256 of 4 KiB, JDK (`sha256`)", f.get("CryptoBenchmark.sha256"), anchor, "—");
    row(t, "SHA-256 of 4 KiB, Bouncy Castle (`sha256Bc`)", f.get("CryptoBenchmark.sha256Bc"), anchor, "—");
    for (String n : new String[] {"65536", "1048576"}) {
      String label = n.equals("65536") ? "64 Ki" : "1 Mi";
      row(t, "frame metadata lookup, " + label + " frames (`MetadataBenchmark.lookup`)", f.get("MetadataBenchmark.lookup[" + n + "]"), anchor, "—");
      row(t, "frame metadata update, " + label + " frames (`MetadataBenchmark.update`)", f.get("MetadataBenchmark.update[" + n + "]"), anchor, "—");
    }
    for (String n : new String[] {"65536", "1048576"}) {
      String label = n.equals("65536") ? "64 Ki" : "1 Mi";
      for (String op : new String[] {"Lookup", "Update"}) {
        Figure m = f.get("MetadataBenchmark.sego" + op + "[" + n + "]");
        String target = !n.equals("1048576") ? "—" : m == null ? "≤ 50 ns, 0 B"
            : "≤ 50 ns, 0 B: " + check(m.nanos() <= 50 && m.bytesPerOp() < 0.5);
        row(t, "Sego page metadata " + op.toLowerCase(Locale.ROOT) + ", " + label + " frames (`MetadataBenchmark.sego" + op
            + "`)", m, anchor, target);
      }
    }
    Figure whole = f.get("RoundTripBenchmark.faultSwapInSwapOut");
    Figure steady = f.get("SteadyRoundTripBenchmark.faultSwapInSwapOutSteady");
    row(t, "fault + swap-in + swap-out under `none`, a whole run of " + RoundTripBenchmark.ROUNDS
        + " accesses per access, composing and booting included (`faultSwapInSwapOut`)", whole, anchor, "—");
    if (steady == null) {
      t.append("| the round trip in steady state (`faultSwapInSwapOutSteady`) | not measured | | | |\n");
    } else {
      double ns = steady.nanos();
      t.append(String.format(Locale.ROOT, "| **the round trip in steady state**: one running system, %d accesses per "
          + "operation (`faultSwapInSwapOutSteady`) | %s ± %s | %s | %.0f× | ≤ 2 µs: %s; ≤ 45×: %s; ≤ 1 KiB: %s |%n",
          SteadyRoundTripBenchmark.BATCH, time(ns), time(steady.error() * ns / steady.score()), bytes(steady.bytesPerOp()),
          ns / anchor, check(ns <= 2000), check(ns <= 45 * anchor), check(steady.bytesPerOp() <= 1024)));
    }
    Figure hapNone = f.get("SegoRoundTripBenchmark.faultSwapInSwapOutSteady[none]");
    Figure hapSego = f.get("SegoRoundTripBenchmark.faultSwapInSwapOutSteady[sego]");
    row(t, "the steady round trip of a HAP's secure memory under `none` (`SegoRoundTripBenchmark`, strategy none)", hapNone,
        anchor, "—");
    row(t, "the same under `sego`: tagged swap hypercalls, paraverified tables, scrubbed frames (strategy sego)", hapSego,
        anchor, hapNone == null || hapSego == null ? "≤ 1.5× none" : String.format(Locale.ROOT, "≤ 1.5× none: %.2f× %s",
            hapSego.nanos() / hapNone.nanos(), check(hapSego.nanos() <= 1.5 * hapNone.nanos())));
    t.append("\n| spec | simulated | one run in the JVM (`SpecSpeedBenchmark`) | simulated s per wall s |"
        + (process.isEmpty() ? "" : " whole `./sego run` (median of 3) | less the JVM's start | target ≥ 1× real time |")
        + "\n|---|---|---|---|" + (process.isEmpty() ? "" : "---|---|---|") + "\n");
    for (Map.Entry<String, Long> e : simulated.entrySet()) {
      Figure run = f.get("SpecSpeedBenchmark.wholeRun[" + e.getKey() + "]");
      double sim = e.getValue();
      if (run == null) {
        t.append(String.format(Locale.ROOT, "| `%s` | %s | not measured | |", e.getKey(), time(sim)));
      } else {
        t.append(String.format(Locale.ROOT, "| `%s` | %s | %s ± %s (%s/run) | %.2f |", e.getKey(), time(sim),
            time(run.nanos()), time(run.error() * run.nanos() / run.score()), bytes(run.bytesPerOp()), sim / run.nanos()));
      }
      if (!process.isEmpty()) {
        double wall = median(process.get(e.getKey())) * 1e9;
        double net = wall - jvmStart * 1e9;
        if (net <= 0) {
          t.append(String.format(Locale.ROOT, " %s | — (within the JVM's start: noise) | — |", time(wall)));
        } else {
          t.append(String.format(Locale.ROOT, " %s | %s | %.2f×%s |", time(wall), time(net), sim / net,
              e.getKey().equals("linuxlike") ? ": " + check(sim >= net) : ""));
        }
      }
      t.append('\n');
    }
    if (!process.isEmpty()) {
      t.append(String.format(Locale.ROOT, "%nThe JVM's start: `./sego --version`, median of 3 whole processes: %s.%n",
          time(jvmStart * 1e9)));
    }
    return t.toString();
  }

  private static void row(StringBuilder t, String label, Figure f, double anchor, String target) {
    if (f == null) {
      t.append("| ").append(label).append(" | not measured | | | |\n");
      return;
    }
    double ns = f.nanos();
    t.append(String.format(Locale.ROOT, "| %s | %s ± %s | %s | %s | %s |%n", label, time(ns),
        time(f.error() * ns / f.score()), bytes(f.bytesPerOp()),
        ns / anchor >= 10 ? String.format(Locale.ROOT, "%.0f×", ns / anchor) : String.format(Locale.ROOT, "%.2f×", ns / anchor),
        target));
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the CPU stays unknown
    }
    return String.format(Locale.ROOT, "%d cores (%s), %s %s, %s %s", Runtime.getRuntime().availableProcessors(), cpu,
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  static String page(String table) {
    return "# Performance\n\n"
        + "Host-side speed and memory of the simulator, each figure beside its raw anchor **in the same JMH run** "
        + "(`sego-bench`). This page is generated by `./sego bench --quick` (a few minutes: one JMH run of the suite "
        + "with `-prof gc`, one fork per benchmark, then three whole `./sego run` processes per shipped spec); edit "
        + "`QuickBench`, not this page.\n\n"
        + "Measured " + LocalDate.now(ZoneOffset.UTC) + " on " + machine() + ".\n\n"
        + table + "\n"
        + "## What the figures measure\n\n"
        + "- **time** is JMH's mean with its 99.9 % error; **allocated** is `-prof gc`'s `gc.alloc.rate.norm`, bytes "
        + "allocated per operation; the ratio divides by the hot 4 KiB copy of the same run.\n"
        + "- **Frame read/write/zero** go through `FrameMemory`, the machine's physical memory (4 KiB arrays allocated "
        + "on first write; a zeroed frame gives its array to a pool the next written frame takes from).\n"
        + "- **Translation** is the MMU on the OS's EPT view: a hit in a 256-entry TLB, and a miss that walks four "
        + "levels of guest page tables through the EPT (`TranslationBenchmark`).\n"
        + "- **Frame metadata** is the chunked struct-of-arrays (`ChunkedLongArray`) that per-frame state here is "
        + "kept in, three fields per frame at frames in scattered order; and the Sego strategy's trusted page metadata "
        + "(`PageMetadata` in `sego-protection-metadata`): a lookup reads owner, page and version (a swap-in's tag "
        + "check), an update gives a new version and a state (a swap-out). Its target, ≤ 50 ns and 0 B at 1 Mi "
        + "frames, is the Sego strategy issue's.\n"
        + "- **The round trip**: a process cycles through 4,096 pages (16 MiB) under an 8 MiB memory limit, rewriting "
        + "8 bytes of each page, so every access faults, swaps its page in from NVMe and evicts a dirty page "
        + "(`RoundTripBenchmarkTest` checks that at least 99 % of accesses do both); sharing, compaction and 2 MiB "
        + "pages are off. `faultSwapInSwapOut` is a whole run of " + RoundTripBenchmark.ROUNDS + " accesses per "
        + "invocation, composing, booting and the first pass included; `faultSwapInSwapOutSteady` keeps one system "
        + "running for the whole trial and lets it make " + SteadyRoundTripBenchmark.BATCH + " more accesses per "
        + "invocation (its process's host thread waits on a semaphore in between, while simulated time stands "
        + "still), so the first pass, the device's 64 MiB write cache filling and the pools growing are all in "
        + "the warm-up. `SegoRoundTripBenchmark` is the same steady loop made by a HAP over its secure memory "
        + "(`allocateSecure`), under `none` and under `sego` in the same run: the Sego strategy issue's target is "
        + "sego at most 1.5× none (host time to simulate; the simulated costs are in each run's `stats.json`).\n"
        + "- **Specs**: one run of each shipped spec that needs no extra plug-in, composing and booting included "
        + "(`SpecSpeedBenchmark`, single shots in a JVM with a 1 GiB heap), and the same as whole processes, "
        + "`./sego run SPEC --out DIR`, timed as `/usr/bin/time` would time them; the JVM's start is `./sego "
        + "--version`.\n\n"
        + "## Reading the figures\n\n"
        + "- **Noise**: on a small VM the same figure moves by a fifth or more between runs (the hot copy alone has "
        + "measured 39–59 ns here); compare ratios within one run, which is why every figure has its anchor beside it.\n"
        + "- **What one round trip does**: the access misses the TLB and walks the page tables to a swap entry; the "
        + "kernel's fault handler walks them again, allocates a frame, submits a read and blocks; the device event "
        + "fires, the volume copies the block into the frame, the process wakes and the page is mapped; kswapd picks a "
        + "victim from the LRU lists (clearing accessed bits, walking to each PTE), unmaps it, and submits its write, "
        + "whose DMA copies the frame; the write's completion hands the buffer to the volume's cache, which destages "
        + "its oldest write to the medium and frees the frame. Two of those are 4 KiB copies of data that is not in "
        + "the caches (compare `copy4kSpread`), at least four are page-table walks, and two are device events.\n"
        + "- **A whole process** pays the JVM's start, the class loading of composing a system (Jackson, Guice, plug-in "
        + "discovery) and the JIT's warm-up on top of the simulation; a spec that simulates little (the file-system "
        + "specs simulate tens of milliseconds) is dominated by them, and the in-JVM column is the simulator's own "
        + "speed.\n\n"
        + "## Memory\n\n"
        + "The heap holds the guest memory touched, the touched blocks of in-memory volumes and the write caches "
        + "(`write-cache-size`, default 64 MiB), not what was written (`docs/design.md` §6a). `HeapBoundIT` runs, each "
        + "in a forked JVM: a swap-bound workload that writes 4.4× its heap in `-Xmx200m`; a 16 GiB guest that touches "
        + "256 MiB in `-Xmx400m`; and a 256 MiB working set swapped under a 32 MiB memory limit in `-Xmx400m`, with "
        + "the swap device on an image file (an in-memory device is its own medium: every block it ever held stays in "
        + "the heap, so a working set larger than the heap needs its swap on an image).\n\n"
        + "## Reproduce\n\n"
        + "- `./sego bench --quick` regenerates this page and the README's table (`--no-process` skips the whole-process "
        + "runs).\n"
        + "- One benchmark with JMH's own options: `./sego bench -prof gc RoundTrip` (JMH's arguments pass through).\n"
        + "- A whole process: `/usr/bin/time ./sego run examples/specs/linuxlike.toml` beside `/usr/bin/time ./sego "
        + "--version`.\n";
  }

  static void updateReadme(Path readme, String table) throws IOException {
    if (!Files.exists(readme)) {
      return;
    }
    String s = Files.readString(readme, StandardCharsets.UTF_8);
    String begin = "<!-- perf-table:begin (./sego bench --quick writes this table) -->";
    String end = "<!-- perf-table:end -->";
    int b = s.indexOf(begin);
    int e = s.indexOf(end);
    if (b < 0 || e < b) {
      System.err.println("README.md has no perf-table markers: its table was left alone");
      return;
    }
    Files.writeString(readme, s.substring(0, b + begin.length()) + "\n" + table + s.substring(e), StandardCharsets.UTF_8);
  }
}
