package dev.beaver.app.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * One chart image: a white canvas with a plot area, axes with ticks and labels, a title and a
 * legend, and the mapping from data coordinates to pixels. {@link Charts} draws the data on it.
 * Not thread-safe; one instance per image.
 */
final class ChartCanvas implements AutoCloseable {

  static final int WIDTH = 900;
  static final int HEIGHT = 560;
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;
  private static final Color AXIS = new Color(40, 40, 40);
  private static final Color GRID = new Color(225, 225, 225);

  /** matplotlib's default "tab10" cycle, so charts look like upstream's. */
  static final List<Color> PALETTE =
      List.of(
          new Color(31, 119, 180),
          new Color(255, 127, 14),
          new Color(44, 160, 44),
          new Color(214, 39, 40),
          new Color(148, 103, 189),
          new Color(140, 86, 75),
          new Color(227, 119, 194),
          new Color(127, 127, 127),
          new Color(188, 189, 34),
          new Color(23, 190, 207));

  private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
  private final Graphics2D g = image.createGraphics();
  private final AxisTicks xTicks;
  private final AxisTicks yTicks;

  ChartCanvas(AxisTicks xTicks, AxisTicks yTicks) {
    this.xTicks = xTicks;
    this.yTicks = yTicks;
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    if (TEXT) {
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    }
  }

  /**
   * Whether this JVM can render text: a headless JDK on a machine without any font (no
   * fontconfig fonts) fails on the first font it needs; the charts are then drawn without text.
   */
  static final boolean TEXT = fontsUsable();

  private static boolean fontsUsable() {
    try {
      BufferedImage probe = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = probe.createGraphics();
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      boolean ok = g.getFontMetrics().stringWidth("0.5") > 0;
      g.drawString("0.5", 0, 6);
      g.dispose();
      return ok;
    } catch (RuntimeException | Error e) {
      System.err.println("warning: no usable font (" + e + "); charts are drawn without text."
          + " Install fonts (e.g. Debian's fonts-dejavu-core) for labelled charts.");
      return false;
    }
  }

  static Color color(int seriesIndex) {
    return PALETTE.get(seriesIndex % PALETTE.size());
  }

  Graphics2D graphics() {
    return g;
  }

  /** Pixel column of data x (plot area spans [xTicks.lo, xTicks.hi]). */
  double px(double x) {
    return LEFT + (x - xTicks.lo()) / (xTicks.hi() - xTicks.lo()) * (WIDTH - LEFT - RIGHT);
  }

  /** Pixel row of data y (y grows upwards). */
  double py(double y) {
    return HEIGHT - BOTTOM - (y - yTicks.lo()) / (yTicks.hi() - yTicks.lo()) * (HEIGHT - TOP - BOTTOM);
  }

  /** Grid lines behind the data. */
  void drawGrid() {
    g.setColor(GRID);
    g.setStroke(new BasicStroke(1f));
    for (double y : yTicks.values()) {
      int row = (int) Math.round(py(y));
      g.drawLine(LEFT, row, WIDTH - RIGHT, row);
    }
  }

  /** The frame, tick marks, tick labels, axis labels and title (drawn over the data). */
  void drawAxes(String title, String xLabel, String yLabel) {
    g.setColor(AXIS);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    if (!TEXT) {
      ticksOnly();
      return;
    }
    FontMetrics fm = g.getFontMetrics();
    double[] xs = xTicks.values();
    List<String> xl = xTicks.labels();
    for (int i = 0; i < xs.length; i++) {
      int col = (int) Math.round(px(xs[i]));
      g.drawLine(col, HEIGHT - BOTTOM, col, HEIGHT - BOTTOM + 5);
      String s = xl.get(i);
      g.drawString(s, col - fm.stringWidth(s) / 2, HEIGHT - BOTTOM + 8 + fm.getAscent());
    }
    double[] ys = yTicks.values();
    List<String> yl = yTicks.labels();
    for (int i = 0; i < ys.length; i++) {
      int row = (int) Math.round(py(ys[i]));
      g.drawLine(LEFT - 5, row, LEFT, row);
      String s = yl.get(i);
      g.drawString(s, LEFT - 8 - fm.stringWidth(s), row + fm.getAscent() / 2 - 1);
    }
    if (xLabel != null) {
      g.drawString(xLabel, LEFT + (WIDTH - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, HEIGHT - 18);
    }
    if (yLabel != null) {
      AffineTransform saved = g.getTransform();
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, -(TOP + (HEIGHT - TOP - BOTTOM + fm.stringWidth(yLabel)) / 2), 22);
      g.setTransform(saved);
    }
    if (title != null) {
      Font plain = g.getFont();
      g.setFont(plain.deriveFont(Font.BOLD, 16f));
      FontMetrics tm = g.getFontMetrics();
      g.drawString(title, (WIDTH - tm.stringWidth(title)) / 2, TOP - 16);
      g.setFont(plain);
    }
  }

  private void ticksOnly() {
    for (double x : xTicks.values()) {
      int col = (int) Math.round(px(x));
      g.drawLine(col, HEIGHT - BOTTOM, col, HEIGHT - BOTTOM + 5);
    }
    for (double y : yTicks.values()) {
      int row = (int) Math.round(py(y));
      g.drawLine(LEFT - 5, row, LEFT, row);
    }
  }

  /** A legend box in the plot's top-right corner: a colour swatch and the name per entry. */
  void drawLegend(Map<String, Color> entries) {
    if (entries.isEmpty() || !TEXT) {
      return;
    }
    FontMetrics fm = g.getFontMetrics();
    int widest = entries.keySet().stream().mapToInt(fm::stringWidth).max().orElse(0);
    int rowH = fm.getHeight() + 2;
    int w = widest + 44;
    int h = rowH * entries.size() + 10;
    int x = WIDTH - RIGHT - w - 10;
    int y = TOP + 10;
    g.setColor(new Color(255, 255, 255, 230));
    g.fillRect(x, y, w, h);
    g.setColor(Color.LIGHT_GRAY);
    g.drawRect(x, y, w, h);
    int row = 0;
    for (Map.Entry<String, Color> e : entries.entrySet()) {
      int baseline = y + 5 + rowH * row + fm.getAscent();
      g.setColor(e.getValue());
      g.fillRect(x + 8, baseline - fm.getAscent() / 2 - 3, 22, 6);
      g.setColor(AXIS);
      g.drawString(e.getKey(), x + 36, baseline);
      row++;
    }
  }

  /** Writes the PNG, creating parent folders. */
  void writePng(Path png) {
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new IOException("no PNG writer available");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    g.dispose();
  }
}
