package org.sego.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sego.api.cost.CostProfile;
import org.sego.core.compose.PluginRegistry;

/** {@code report.md}: the table, the charts and what they show, the regimes, the paper's figures beside ours. */
final class CompareReport {
  private CompareReport() {}

  @SuppressWarnings("unchecked")
  static void write(Path file, PluginRegistry registry, List<Map<String, Object>> runs, List<Map<String, Object>> breakEven,
      List<Map<String, Object>> sfile, List<String> strategies, String table, List<String> charts, boolean quick) {
    StringBuilder b = new StringBuilder();
    b.append("# Sego comparison\n\n");
    b.append("Produced by `./sego compare").append(quick ? " --quick" : "").append("`: every cell is its own deterministic ")
        .append("simulation (same seed, same bytes of results.json). Strategies: ").append(String.join(", ", strategies))
        .append(". Times are simulated, charged from the cost profiles (`./sego describe paper-2015`, `./sego describe modern`); ")
        .append("nothing here is a wall-clock measurement. Overshadow- and InkTag-style rows appear when those strategies are installed.\n\n");
    b.append("## Results\n\n```\n").append(table.strip()).append("\n```\n\n").append(CompareTable.LEGEND).append(".\n\n");

    b.append("## What the charts show\n\n");
    Map<String, Object> worst = null;
    for (Map<String, Object> r : runs) {
      Object n = r.get("normalizedToNone");
      if (n != null && !"none".equals(r.get("strategy"))
          && (worst == null || ((Number) n).doubleValue() > ((Number) worst.get("normalizedToNone")).doubleValue())) {
        worst = r;
      }
    }
    if (charts.contains("overhead.png")) {
      b.append("![overhead](overhead.png)\n\n");
    }
    if (worst != null) {
      b.append(String.format(Locale.ROOT, "The largest overhead is %.2fx, %s on %s on %s (%s costs); its top costs: %s.\n\n",
          ((Number) worst.get("normalizedToNone")).doubleValue(), worst.get("strategy"), worst.get("workload"), worst.get("device"),
          worst.get("costProfile"), CompareTable.topCosts((Map<String, Object>) worst.get("breakdownNanos"), 3)));
    }
    long crypto = 0;
    for (Map<String, Object> r : runs) {
      if ("sego".equals(r.get("strategy")) && r.get("breakdownNanos") != null) {
        for (Map.Entry<String, Object> e : ((Map<String, Object>) r.get("breakdownNanos")).entrySet()) {
          crypto += e.getKey().startsWith("crypto.") ? ((Number) e.getValue()).longValue() : 0;
        }
      }
    }
    if (strategies.contains("sego")) {
      b.append("Crypto charged to `sego` across all cells: ").append(crypto).append(" ns (it keeps trusted metadata instead of encrypting and hashing).\n\n");
    }
    if (!breakEven.isEmpty()) {
      breakEvenSection(b, registry, breakEven, strategies, charts);
    }

    b.append("## Regimes\n\nEach workload must run in the regime it models, or its figure is not a result:\n\n");
    Map<String, String> statement = new LinkedHashMap<>();
    Map<String, Integer> outside = new LinkedHashMap<>();
    for (Map<String, Object> r : runs) {
      Map<String, Object> g = (Map<String, Object>) r.get("regime");
      if (g == null) {
        continue;
      }
      String w = (String) r.get("workload");
      statement.putIfAbsent(w, (String) g.get("statement") + " (" + r.get("strategy") + ", " + r.get("device") + ", " + r.get("costProfile") + ")");
      outside.merge(w, Boolean.TRUE.equals(g.get("held")) ? 0 : 1, Integer::sum);
    }
    statement.forEach((w, s) -> b.append("- `").append(w).append("`: ").append(s)
        .append(outside.get(w) == 0 ? "; in regime in every cell" : "; **outside its regime in " + outside.get(w) + " cell(s)** (see results.json)")
        .append(".\n"));
    b.append('\n');

    b.append("## Beside the paper\n\n");
    b.append("Second-hand notes on the Sego paper report S-file writes about 17 % slower than unprotected on disk and about 26 % ")
        .append("slower on SSD. These are not asserted; our `file-io` figures (S-file writes with fsync, as a HAP, ")
        .append("`paper-2015` costs) for comparison:\n\n| device | sfile-sync | sego / none |\n|---|---|---|\n");
    for (Map<String, Object> r : sfile.isEmpty() ? runs : sfile) {
      if ("file-io".equals(r.get("workload")) && "sego".equals(r.get("strategy")) && "paper-2015".equals(r.get("costProfile"))
          && r.get("normalizedToNone") != null) {
        Object sync = ((Map<String, Object>) r.getOrDefault("swept", Map.of())).getOrDefault("strategy.sfile-sync", "write (default)");
        b.append(String.format(Locale.ROOT, "| %s | %s | %.2fx |%n", r.get("device"), sync, ((Number) r.get("normalizedToNone")).doubleValue()));
      }
    }
    b.append("\n`sfile-sync = write` (our default, the restriction reported for Sego) syncs every S-file write: the device's ")
        .append("flush and the hypervisor's metadata-store write per write, so small writes pay a disk's latency each; ")
        .append("`fsync` makes them durable at fsync only (`./sego describe sego`). Which one the paper's measurement used ")
        .append("could not be read; the second-hand figures sit closer to `fsync`.\n\n");

    b.append("## Trusted state per protected GiB\n\n| strategy | workload | RAM | durable |\n|---|---|---|---|\n");
    for (Map<String, Object> r : runs) {
      Map<String, Object> ts = (Map<String, Object>) r.get("trustedStateBytesPerGiB");
      if (ts != null && "nvme".equals(r.get("device")) && "modern".equals(r.get("costProfile"))) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %,d B | %,d B |%n", r.get("strategy"), r.get("workload"),
            ((Number) ts.get("ram")).longValue(), ((Number) ts.get("durable")).longValue()));
      }
    }
    b.append("\nFor scale: AMD SEV-SNP's reverse map table keeps 16 B per 4 KiB page (4 MiB per GiB), Intel TDX's PAMT about ")
        .append("1/256 of memory (4 MiB per GiB). A figure far above these from a small run reflects fixed structures ")
        .append("spread over few protected pages.\n");
    try {
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void breakEvenSection(StringBuilder b, PluginRegistry registry, List<Map<String, Object>> runs, List<String> strategies,
      List<String> charts) {
    CostProfile profile = BreakEven.profile(registry, BreakEven.PROFILE);
    double ceiling = BreakEven.ceiling(profile, 1, 1);
    b.append("### Break-even\n\n");
    if (charts.contains("break-even.png")) {
      b.append("![break-even](break-even.png)\n\n![overhead against bandwidth](overhead-vs-bandwidth.png)\n\n");
    }
    b.append(String.format(Locale.ROOT, "`file-io` (queue depth 1) on NVMe with its bandwidth swept from %s to %s, `%s` costs. ",
        BreakEven.BANDWIDTHS.get(0), BreakEven.BANDWIDTHS.get(BreakEven.BANDWIDTHS.size() - 1), BreakEven.PROFILE));
    b.append(String.format(Locale.ROOT, "A strategy that encrypts (AES-GCM, %s) and hashes (SHA-256, %s) every byte on one core cannot pass "
        + "%,.0f MB/s (a model from the profile's figures, not a simulated run). ",
        profile.figure(CostProfile.CRYPTO_AES_GCM).value(), profile.figure(CostProfile.CRYPTO_SHA256).value(), ceiling / 1e6));
    Double cross = CompareCharts.crossing(runs, "none", ceiling);
    b.append(cross == null
        ? "The unprotected run's throughput stays below that ceiling over the whole sweep: the device limits it everywhere.\n\n"
        : String.format(Locale.ROOT, "The unprotected run reaches it at a device bandwidth of about %,.0f MB/s: beyond that, an "
            + "encrypt-and-hash system is crypto-bound while `sego` is not.\n\n", cross / 1e6));
    b.append("Sensitivity (crypto figures scaled):\n\n| AES-GCM | SHA-256 | ceiling | none reaches it at |\n|---|---|---|---|\n");
    for (double a : new double[] {0.5, 1, 2}) {
      for (double s : new double[] {0.5, 1, 2}) {
        double c = BreakEven.ceiling(profile, a, s);
        Double x = CompareCharts.crossing(runs, "none", c);
        b.append(String.format(Locale.ROOT, "| x%s | x%s | %,.0f MB/s | %s |%n", fmt(a), fmt(s), c / 1e6,
            x == null ? "not within the sweep" : String.format(Locale.ROOT, "%,.0f MB/s", x / 1e6)));
      }
    }
    b.append('\n');
  }

  private static String fmt(double f) {
    return f == Math.rint(f) ? String.valueOf((long) f) : String.valueOf(f);
  }
}
