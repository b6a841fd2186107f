package org.sego.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The comparison as a text table and as CSV. */
final class CompareTable {
  static final String LEGEND = "columns: time = simulated completion time; x none = time / the same cell under none; "
      + "throughput = the workload's work per simulated second; top costs = the three largest cost categories "
      + "(share of the summed time); busy = each device's busy fraction (swap, disk, hvstore); regime = whether the "
      + "run was in the regime its workload models (report.md says why); FAILED = the cell's run or self-check failed";

  private CompareTable() {}

  @SuppressWarnings("unchecked")
  static String text(List<Map<String, Object>> runs, List<String> strategies) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%n%-11s %-9s %-10s %-6s %12s %8s %22s  %-44s %-17s %s%n", "workload", "device", "profile",
        "strat.", "time", "x none", "throughput", "top costs", "busy s/d/h", "regime"));
    for (Map<String, Object> r : runs) {
      if (r.containsKey("error") && !r.containsKey("simulatedNanos")) {
        b.append(String.format(Locale.ROOT, "%-11s %-9s %-10s %-6s FAILED: %s%n", label(r), r.get("device"),
            r.get("costProfile"), abbrev((String) r.get("strategy")), r.get("error")));
        continue;
      }
      long nanos = (Long) r.get("simulatedNanos");
      Object norm = r.get("normalizedToNone");
      Map<String, Object> tp = (Map<String, Object>) r.get("throughput");
      Map<String, Object> busy = (Map<String, Object>) r.get("busy");
      Map<String, Object> regime = (Map<String, Object>) r.get("regime");
      b.append(String.format(Locale.ROOT, "%-11s %-9s %-10s %-6s %12s %8s %22s  %-44s %-17s %s%s%n", label(r), r.get("device"),
          r.get("costProfile"), abbrev((String) r.get("strategy")), millis(nanos),
          norm == null ? "-" : String.format(Locale.ROOT, "%.2fx", ((Number) norm).doubleValue()),
          throughput(((Number) tp.get("perSecond")).doubleValue(), (String) tp.get("unit")),
          topCosts((Map<String, Object>) r.get("breakdownNanos"), 3),
          String.format(Locale.ROOT, "%.2f/%.2f/%.2f", num(busy.get("swap")), num(busy.get("disk")), num(busy.get("hvstore"))),
          Boolean.TRUE.equals(regime.get("held")) ? "yes" : "NO", r.containsKey("error") ? "  FAILED: " + r.get("error") : ""));
    }
    return b.toString();
  }

  /** The workload, with the swept values of the cell after it. */
  @SuppressWarnings("unchecked")
  static String label(Map<String, Object> r) {
    Map<String, Object> swept = (Map<String, Object>) r.getOrDefault("swept", Map.of());
    StringBuilder b = new StringBuilder(String.valueOf(r.get("workload")));
    swept.forEach((k, v) -> b.append(' ').append(k.substring(k.lastIndexOf('.') + 1)).append('=').append(v));
    return b.toString();
  }

  static String abbrev(String s) {
    return s.length() <= 6 ? s : s.substring(0, 6);
  }

  static double num(Object o) {
    return o == null ? 0 : ((Number) o).doubleValue();
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
  }

  static String throughput(double perSecond, String unit) {
    if (unit.equals("bytes/s")) {
      return String.format(Locale.ROOT, "%,.1f MB/s", perSecond / 1e6);
    }
    return String.format(Locale.ROOT, "%,.0f %s", perSecond, unit);
  }

  /** The {@code n} largest categories, with their share of the summed time. */
  static String topCosts(Map<String, Object> breakdown, int n) {
    long total = 0;
    for (Object v : breakdown.values()) {
      total += ((Number) v).longValue();
    }
    List<Map.Entry<String, Object>> e = new ArrayList<>(breakdown.entrySet());
    e.sort((x, y) -> Long.compare(((Number) y.getValue()).longValue(), ((Number) x.getValue()).longValue()));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, e.size()); i++) {
      long v = ((Number) e.get(i).getValue()).longValue();
      out.add(String.format(Locale.ROOT, "%s %d%%", e.get(i).getKey(), total == 0 ? 0 : Math.round(100.0 * v / total)));
    }
    return String.join(", ", out);
  }

  @SuppressWarnings("unchecked")
  static void csv(Path file, List<Map<String, Object>> runs) {
    StringBuilder b = new StringBuilder("cell,workload,strategy,device,costProfile,seed,simulatedNanos,normalizedToNone,"
        + "throughputPerSecond,throughputUnit,regimeHeld,busySwap,busyDisk,busyHvstore,trustedRamBytesPerGiB,error\n");
    for (Map<String, Object> r : runs) {
      Map<String, Object> tp = (Map<String, Object>) r.getOrDefault("throughput", Map.of());
      Map<String, Object> busy = (Map<String, Object>) r.getOrDefault("busy", Map.of());
      Map<String, Object> regime = (Map<String, Object>) r.getOrDefault("regime", Map.of());
      Map<String, Object> ts = (Map<String, Object>) r.get("trustedStateBytesPerGiB");
      b.append(String.join(",", List.of(q(r.get("cell")), q(r.get("workload")), q(r.get("strategy")), q(r.get("device")),
          q(r.get("costProfile")), q(r.get("seed")), q(r.get("simulatedNanos")), q(r.get("normalizedToNone")),
          q(tp.get("perSecond")), q(tp.get("unit")), q(regime.get("held")), q(busy.get("swap")), q(busy.get("disk")),
          q(busy.get("hvstore")), q(ts == null ? null : ts.get("ram")), q(r.get("error"))))).append('\n');
    }
    try {
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String q(Object o) {
    if (o == null) {
      return "";
    }
    String s = String.valueOf(o);
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
