package org.sego.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGUtils;

/** The comparison's charts, each as PNG and SVG (headless). */
final class CompareCharts {
  private static final int W = 900;
  private static final int H = 520;

  private CompareCharts() {}

  /** Writes the charts into {@code dir}; their file names. */
  static List<String> write(Path dir, List<Map<String, Object>> runs, List<Map<String, Object>> breakEven, List<String> strategies) {
    List<String> out = new ArrayList<>();
    JFreeChart overhead = overhead(runs, strategies);
    if (overhead != null) {
      out.addAll(save(dir, "overhead", overhead));
    }
    if (!breakEven.isEmpty()) {
      out.addAll(save(dir, "overhead-vs-bandwidth", overheadVsBandwidth(breakEven, strategies)));
      out.addAll(save(dir, "break-even", breakEven(breakEven, strategies)));
    }
    return out;
  }

  /** Overhead per workload per protected strategy and device (the last cost profile of the run). */
  static JFreeChart overhead(List<Map<String, Object>> runs, List<String> strategies) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    String profile = null;
    for (Map<String, Object> r : runs) {
      profile = (String) r.get("costProfile");
    }
    for (Map<String, Object> r : runs) {
      Object n = r.get("normalizedToNone");
      if (n == null || "none".equals(r.get("strategy")) || !r.get("costProfile").equals(profile)) {
        continue;
      }
      data.addValue(((Number) n).doubleValue(), r.get("strategy") + " on " + r.get("device"), (String) r.get("workload"));
    }
    if (data.getRowCount() == 0) {
      return null;
    }
    JFreeChart c = ChartFactory.createBarChart("Completion time normalised to none (" + profile + " costs; 1 = no overhead)",
        "workload (as a HAP)", "time / time under none (log scale)", data, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot p = c.getCategoryPlot();
    LogAxis log = log("time / time under none (log scale)");
    log.setSmallestValue(0.5);
    p.setRangeAxis(log);
    p.getRenderer().setDefaultItemLabelsVisible(false);
    p.addRangeMarker(new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f)));
    style(c);
    return c;
  }

  static JFreeChart overheadVsBandwidth(List<Map<String, Object>> runs, List<String> strategies) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String s : strategies) {
      if (s.equals("none")) {
        continue;
      }
      XYSeries series = new XYSeries(s);
      for (Map<String, Object> r : runs) {
        if (s.equals(r.get("strategy")) && r.get("normalizedToNone") != null) {
          series.add(bandwidth(r) / 1e6, ((Number) r.get("normalizedToNone")).doubleValue());
        }
      }
      data.addSeries(series);
    }
    JFreeChart c = ChartFactory.createXYLineChart("file-io: overhead against device bandwidth (modern costs, queue depth 1)",
        "device bandwidth (MB/s, log scale)", "time / time under none", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot p = c.getXYPlot();
    p.setDomainAxis(log("device bandwidth (MB/s, log scale)"));
    p.setRenderer(new XYLineAndShapeRenderer(true, true));
    p.addRangeMarker(new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f)));
    style(c);
    return c;
  }

  /** Throughput against device bandwidth per strategy, with the encrypt-and-hash ceiling and where none's curve crosses it. */
  static JFreeChart breakEven(List<Map<String, Object>> runs, List<String> strategies) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String s : strategies) {
      XYSeries series = new XYSeries(s + " (simulated)");
      for (Map<String, Object> r : runs) {
        if (s.equals(r.get("strategy")) && r.get("throughput") != null && !r.containsKey("error")) {
          series.add(bandwidth(r) / 1e6, perSecond(r) / 1e6);
        }
      }
      data.addSeries(series);
    }
    double ceiling = BreakEven.ceiling(BreakEven.profile(SegoCommand.registry(), BreakEven.PROFILE), 1, 1);
    XYSeries line = new XYSeries("encrypt (AES-GCM) + hash (SHA-256) ceiling, one core (model)");
    XYSeries device = new XYSeries("device bandwidth (ideal)");
    for (Object b : BreakEven.BANDWIDTHS) {
      line.add(BreakEven.bytesPerSecond(b) / 1e6, ceiling / 1e6);
      device.add(BreakEven.bytesPerSecond(b) / 1e6, BreakEven.bytesPerSecond(b) / 1e6);
    }
    data.addSeries(line);
    data.addSeries(device);
    JFreeChart c = ChartFactory.createXYLineChart("Break-even: where encryption and hashing, not the device, would limit file-io",
        "device bandwidth (MB/s, log scale)", "throughput (MB/s, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot p = c.getXYPlot();
    p.setDomainAxis(log("device bandwidth (MB/s, log scale)"));
    p.setRangeAxis(log("throughput (MB/s, log scale)"));
    p.setRenderer(new XYLineAndShapeRenderer(true, true));
    Double cross = crossing(runs, "none", ceiling);
    if (cross != null) {
      ValueMarker m = new ValueMarker(cross / 1e6, Color.RED, new BasicStroke(1.5f));
      m.setLabel(String.format(java.util.Locale.ROOT, "crypto-bound beyond ~%,.0f MB/s", cross / 1e6));
      m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
      p.addDomainMarker(m);
    }
    style(c);
    return c;
  }

  /**
   * The device bandwidth at which {@code strategy}'s simulated throughput reaches {@code ceiling}
   * (interpolated in log space between swept points), or null if it never does in the sweep.
   */
  static Double crossing(List<Map<String, Object>> runs, String strategy, double ceiling) {
    Map<Double, Double> points = new LinkedHashMap<>();
    for (Map<String, Object> r : runs) {
      if (strategy.equals(r.get("strategy")) && !r.containsKey("error")) {
        points.put(bandwidth(r), perSecond(r));
      }
    }
    List<Map.Entry<Double, Double>> e = new ArrayList<>(points.entrySet());
    e.sort(Map.Entry.comparingByKey());
    for (int i = 1; i < e.size(); i++) {
      double y0 = e.get(i - 1).getValue();
      double y1 = e.get(i).getValue();
      if (y0 < ceiling && y1 >= ceiling) {
        double x0 = Math.log(e.get(i - 1).getKey());
        double x1 = Math.log(e.get(i).getKey());
        double f = (Math.log(ceiling) - Math.log(y0)) / (Math.log(y1) - Math.log(y0));
        return Math.exp(x0 + f * (x1 - x0));
      }
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  static double bandwidth(Map<String, Object> r) {
    return BreakEven.bytesPerSecond(((Map<String, Object>) r.get("swept")).get(BreakEven.KEY));
  }

  @SuppressWarnings("unchecked")
  static double perSecond(Map<String, Object> r) {
    return ((Number) ((Map<String, Object>) r.get("throughput")).get("perSecond")).doubleValue();
  }

  /** A log axis with a tick at every power of two, labelled with plain numbers (0.5, 1, 2, 4, ..., 1,024). */
  private static LogAxis log(String label) {
    LogAxis a = new LogAxis(label);
    a.setBase(2);
    a.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
    a.setMinorTickCount(1);
    a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.##", java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)));
    return a;
  }

  private static void style(JFreeChart c) {
    c.setBackgroundPaint(Color.WHITE);
    c.getPlot().setBackgroundPaint(new Color(250, 250, 250));
  }

  private static List<String> save(Path dir, String name, JFreeChart chart) {
    try {
      ChartUtils.saveChartAsPNG(dir.resolve(name + ".png").toFile(), chart, W, H);
      SVGGraphics2D g = new SVGGraphics2D(W, H);
      chart.draw(g, new Rectangle(W, H));
      SVGUtils.writeToSVG(dir.resolve(name + ".svg").toFile(), g.getSVGElement());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + name, e);
    }
    return List.of(name + ".png", name + ".svg");
  }
}
