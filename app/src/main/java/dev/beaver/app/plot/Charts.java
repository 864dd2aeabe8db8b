package dev.beaver.app.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * PNG charts drawn with java.awt (headless): histograms like upstream's {@code distribution.png}
 * and line charts for metrics over steps. Every method validates its input and throws
 * {@link IllegalArgumentException} with a message naming the bad series; it writes nothing then.
 * Non-finite values are skipped (a line is broken at them); a series with no finite value is an
 * error. Images are {@value ChartCanvas#WIDTH}x{@value ChartCanvas#HEIGHT} pixels.
 */
public final class Charts {

  static {
    // No display on servers and CI; must be set before the first AWT class initialises.
    System.setProperty("java.awt.headless", "true");
  }

  /** Upstream's histogram bin count ({@code np.histogram(scores, bins=100)}). */
  public static final int UPSTREAM_BINS = 100;

  /** Markers are drawn on lines with at most this many points, so single points stay visible. */
  private static final int MARKER_LIMIT = 60;

  private Charts() {}

  /** A one-series histogram with y label "Frequency" (upstream's distribution plot). */
  public static void histogram(Path png, String title, String xLabel, double[] values, int bins) {
    if (values == null) {
      throw new IllegalArgumentException("histogram values must not be null");
    }
    drawHistograms(png, title, xLabel, Map.of("values", values), bins, false);
  }

  /**
   * Overlaid histograms over common bins (the range of all finite values), semi-transparent, with
   * a legend; e.g. safe vs unsafe costs.
   *
   * @param series name -> values, drawn in iteration order (use a LinkedHashMap)
   */
  public static void histogram(
      Path png, String title, String xLabel, Map<String, double[]> series, int bins) {
    drawHistograms(png, title, xLabel, series, bins, true);
  }

  /**
   * A line chart: one polyline per series, with a legend, and an optional dashed horizontal
   * reference line (e.g. the cost threshold).
   *
   * @param series name -> {x[], y[]} with x.length == y.length, drawn in iteration order
   * @param horizontalLine the y of a dashed reference line, or null for none
   */
  public static void lines(
      Path png,
      String title,
      String xLabel,
      String yLabel,
      Map<String, double[][]> series,
      Double horizontalLine) {
    if (series == null || series.isEmpty()) {
      throw new IllegalArgumentException("line chart needs at least one series, got none");
    }
    if (horizontalLine != null && !Double.isFinite(horizontalLine)) {
      throw new IllegalArgumentException("horizontal line must be finite, got " + horizontalLine);
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = horizontalLine == null ? Double.POSITIVE_INFINITY : horizontalLine;
    double yMax = horizontalLine == null ? Double.NEGATIVE_INFINITY : horizontalLine;
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[][] xy = e.getValue();
      if (xy == null || xy.length != 2 || xy[0] == null || xy[1] == null) {
        throw new IllegalArgumentException("series '" + e.getKey() + "' must be {x[], y[]}");
      }
      if (xy[0].length != xy[1].length) {
        throw new IllegalArgumentException(
            "series '" + e.getKey() + "' has " + xy[0].length + " x values but " + xy[1].length + " y values");
      }
      int finite = 0;
      for (int i = 0; i < xy[0].length; i++) {
        if (Double.isFinite(xy[0][i]) && Double.isFinite(xy[1][i])) {
          finite++;
          xMin = Math.min(xMin, xy[0][i]);
          xMax = Math.max(xMax, xy[0][i]);
          yMin = Math.min(yMin, xy[1][i]);
          yMax = Math.max(yMax, xy[1][i]);
        }
      }
      if (finite == 0) {
        throw new IllegalArgumentException(
            "series '" + e.getKey() + "' has no finite (x, y) point (" + xy[0].length + " points, all NaN/infinite or none)");
      }
    }
    AxisTicks xTicks = AxisTicks.covering(xMin, xMax, 8);
    AxisTicks yTicks = AxisTicks.covering(yMin, yMax, 6);
    try (ChartCanvas canvas = new ChartCanvas(xTicks, yTicks)) {
      Graphics2D g = canvas.graphics();
      canvas.drawGrid();
      Map<String, Color> legend = new LinkedHashMap<>();
      if (horizontalLine != null) {
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        double row = canvas.py(horizontalLine);
        g.draw(new java.awt.geom.Line2D.Double(canvas.px(xTicks.lo()), row, canvas.px(xTicks.hi()), row));
      }
      int index = 0;
      for (Map.Entry<String, double[][]> e : series.entrySet()) {
        Color color = ChartCanvas.color(index++);
        drawLine(canvas, e.getValue()[0], e.getValue()[1], color);
        legend.put(e.getKey(), color);
      }
      if (horizontalLine != null) {
        legend.put("y = " + shortNumber(horizontalLine), Color.DARK_GRAY);
      }
      canvas.drawAxes(title, xLabel, yLabel);
      canvas.drawLegend(legend);
      canvas.writePng(png);
    }
  }

  /** 4 significant digits without trailing zeros: 0.1, 25, 1.235e+06. */
  static String shortNumber(double v) {
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains("e")) {
      return s;
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  private static void drawLine(ChartCanvas canvas, double[] x, double[] y, Color color) {
    Graphics2D g = canvas.graphics();
    g.setColor(color);
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double path = new Path2D.Double();
    boolean penDown = false;
    int finite = 0;
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
        penDown = false; // a gap in the data is a gap in the line
        continue;
      }
      finite++;
      if (penDown) {
        path.lineTo(canvas.px(x[i]), canvas.py(y[i]));
      } else {
        path.moveTo(canvas.px(x[i]), canvas.py(y[i]));
        penDown = true;
      }
    }
    g.draw(path);
    if (finite <= MARKER_LIMIT) {
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
          g.fill(new Ellipse2D.Double(canvas.px(x[i]) - 3, canvas.py(y[i]) - 3, 6, 6));
        }
      }
    }
  }

  private static void drawHistograms(
      Path png, String title, String xLabel, Map<String, double[]> series, int bins, boolean withLegend) {
    if (series == null || series.isEmpty()) {
      throw new IllegalArgumentException("histogram needs at least one series, got none");
    }
    if (bins < 1) {
      throw new IllegalArgumentException("histogram needs at least 1 bin, got " + bins);
    }
    // Common bins: bin the concatenation once to get the edges, then each series on those edges.
    int total = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      if (e.getValue() == null || e.getValue().length == 0) {
        throw new IllegalArgumentException("histogram series '" + e.getKey() + "' has no values");
      }
      if (java.util.Arrays.stream(e.getValue()).noneMatch(Double::isFinite)) {
        throw new IllegalArgumentException(
            "histogram series '" + e.getKey() + "' has no finite value (all " + e.getValue().length + " are NaN or infinite)");
      }
      total += e.getValue().length;
    }
    double[] all = new double[total];
    int at = 0;
    for (double[] v : series.values()) {
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    HistogramBins common = HistogramBins.of(all, bins);
    double lo = common.edges()[0];
    double hi = common.edges()[bins];
    Map<String, long[]> counts = new LinkedHashMap<>();
    long maxCount = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      long[] c = HistogramBins.onEdges(e.getValue(), common.edges());
      counts.put(e.getKey(), c);
      for (long n : c) {
        maxCount = Math.max(maxCount, n);
      }
    }
    AxisTicks xTicks = AxisTicks.covering(lo, hi, 8);
    AxisTicks yTicks = AxisTicks.integers(0, Math.max(1, maxCount), 6);
    boolean overlaid = series.size() > 1;
    try (ChartCanvas canvas = new ChartCanvas(xTicks, yTicks)) {
      Graphics2D g = canvas.graphics();
      canvas.drawGrid();
      Map<String, Color> legend = new LinkedHashMap<>();
      int index = 0;
      double[] edges = common.edges();
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        Color color = ChartCanvas.color(index++);
        Color fill = overlaid ? new Color(color.getRed(), color.getGreen(), color.getBlue(), 140) : color;
        g.setColor(fill);
        long[] c = e.getValue();
        for (int i = 0; i < c.length; i++) {
          if (c[i] == 0) {
            continue;
          }
          double left = canvas.px(edges[i]);
          double right = canvas.px(edges[i + 1]);
          double top = canvas.py(c[i]);
          double base = canvas.py(0);
          g.fill(new Rectangle2D.Double(left, top, Math.max(1.0, right - left), base - top));
        }
        legend.put(e.getKey(), fill);
      }
      canvas.drawAxes(title, xLabel, "Frequency");
      if (withLegend) {
        canvas.drawLegend(legend);
      }
      canvas.writePng(png);
    }
  }
}
