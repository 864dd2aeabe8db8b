package dev.beaver.app.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

  @TempDir Path dir;

  private static final Color BLUE = ChartCanvas.color(0);
  private static final Color ORANGE = ChartCanvas.color(1);

  @Test
  void histogramIsAPngWithBarsInTheSeriesColour() throws IOException {
    double[] values = new double[1000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.sin(i) * 3; // spread over [-3, 3]
    }
    Path png = dir.resolve("sub/distribution.png");
    Charts.histogram(png, "Distribution of scores", "Score range", values, Charts.UPSTREAM_BINS);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(ChartCanvas.WIDTH, img.getWidth());
    assertEquals(ChartCanvas.HEIGHT, img.getHeight());
    // sin is densest near +-3: the bars there are tall, so thousands of pixels are bar-coloured.
    assertTrue(count(img, BLUE, 0, img.getWidth()) > 5000, "bars drawn");
    assertTrue(count(img, Color.WHITE, 0, img.getWidth()) > img.getWidth() * img.getHeight() / 3, "background");
  }

  @Test
  void overlaidHistogramsDrawEachSeriesWhereItsValuesAre() throws IOException {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("safe", new double[] {-5, -4.5, -4, -4, -3.9});
    series.put("unsafe", new double[] {4, 4.2, 4.4, 5, 5});
    Path png = dir.resolve("overlay.png");
    Charts.histogram(png, "costs", "cost", series, 20);
    BufferedImage img = ImageIO.read(png.toFile());
    // Translucent fills on white: each channel is a*c + (1-a)*255 with a = 140/255.
    Color safe = onWhite(BLUE, 140);
    Color unsafe = onWhite(ORANGE, 140);
    int half = img.getWidth() / 2;
    assertTrue(count(img, safe, 0, half) > 500);
    assertTrue(count(img, unsafe, half, img.getWidth()) > 500);
    // Below the legend (top right) each colour appears only on its own side.
    assertEquals(0, count(img, safe, half, img.getWidth(), 150));
    assertEquals(0, count(img, unsafe, 0, half, 0));
  }

  @Test
  void linesDrawEverySeriesAndADashedReferenceLine() throws IOException {
    int n = 200;
    double[] x = new double[n];
    double[] reward = new double[n];
    double[] cost = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      reward[i] = Math.log1p(i);
      cost[i] = i == 50 ? Double.NaN : 2 - i / 50.0; // a gap at step 50
    }
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put("reward", new double[][] {x, reward});
    series.put("cost", new double[][] {x, cost});
    Path png = dir.resolve("lines.png");
    Charts.lines(png, "PPO-Lag", "step", "value", series, 0.0);
    BufferedImage img = ImageIO.read(png.toFile());
    assertTrue(count(img, BLUE, 0, img.getWidth()) > 300, "reward line");
    assertTrue(count(img, ORANGE, 0, img.getWidth()) > 300, "cost line");
    int bestRow = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      int inRow = 0;
      for (int xx = 0; xx < img.getWidth(); xx++) {
        if (close(new Color(img.getRGB(xx, y)), Color.DARK_GRAY, 6)) {
          inRow++;
        }
      }
      bestRow = Math.max(bestRow, inRow);
    }
    // 8 px dashes, 6 px gaps over ~780 px: several hundred pixels on one row.
    assertTrue(bestRow > 300, "dashed reference line, best row " + bestRow);
  }

  @Test
  void aSinglePointIsStillVisible() throws IOException {
    Path png = dir.resolve("one.png");
    Charts.lines(png, "t", "x", "y", Map.of("only", new double[][] {{3}, {7}}), null);
    assertTrue(count(ImageIO.read(png.toFile()), BLUE, 0, ChartCanvas.WIDTH) > 10);
  }

  @Test
  void badInputIsRejectedAndNothingIsWritten() {
    Path png = dir.resolve("bad.png");
    assertMessage(() -> Charts.histogram(png, "t", "x", new double[0], 100), "no values");
    assertMessage(
        () -> Charts.histogram(png, "t", "x", new double[] {Double.NaN, Double.NaN}, 100), "no finite value");
    assertMessage(() -> Charts.histogram(png, "t", "x", new double[] {1, 2}, 0), "at least 1 bin");
    assertMessage(() -> Charts.histogram(png, "t", "x", Map.of(), 10), "at least one series");
    assertMessage(() -> Charts.lines(png, "t", "x", "y", Map.of(), null), "at least one series");
    assertMessage(
        () -> Charts.lines(png, "t", "x", "y", Map.of("kl", new double[][] {{1, 2}, {Double.NaN, Double.NaN}}), null),
        "series 'kl' has no finite");
    assertMessage(
        () -> Charts.lines(png, "t", "x", "y", Map.of("kl", new double[][] {{1, 2, 3}, {1, 2}}), null),
        "3 x values but 2 y values");
    assertMessage(
        () -> Charts.lines(png, "t", "x", "y", Map.of("kl", new double[][] {{1}, {1}}), Double.NaN),
        "horizontal line must be finite");
    assertFalse(Files.exists(png));
  }

  @Test
  void referenceLineLabelsAreShort() {
    assertEquals("0", Charts.shortNumber(0.0));
    assertEquals("0.1", Charts.shortNumber(0.1));
    assertEquals("-25", Charts.shortNumber(-25));
    assertEquals("1.235e+06", Charts.shortNumber(1234567));
  }

  private static void assertMessage(Runnable r, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
  }

  private static Color onWhite(Color c, int alpha) {
    double a = alpha / 255.0;
    return new Color(
        (int) Math.round(a * c.getRed() + (1 - a) * 255),
        (int) Math.round(a * c.getGreen() + (1 - a) * 255),
        (int) Math.round(a * c.getBlue() + (1 - a) * 255));
  }

  private static int count(BufferedImage img, Color want, int fromX, int toX) {
    return count(img, want, fromX, toX, 0);
  }

  private static int count(BufferedImage img, Color want, int fromX, int toX, int fromY) {
    int n = 0;
    for (int y = fromY; y < img.getHeight(); y++) {
      for (int x = fromX; x < toX; x++) {
        if (close(new Color(img.getRGB(x, y)), want, 6)) {
          n++;
        }
      }
    }
    return n;
  }

  private static boolean close(Color a, Color b, int tolerance) {
    return Math.abs(a.getRed() - b.getRed()) <= tolerance
        && Math.abs(a.getGreen() - b.getGreen()) <= tolerance
        && Math.abs(a.getBlue() - b.getBlue()) <= tolerance;
  }
}
