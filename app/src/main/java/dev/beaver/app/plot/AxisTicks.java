package dev.beaver.app.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * "Nice" axis ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering a data range, and
 * their labels. Pure arithmetic, no drawing.
 *
 * @param lo the axis minimum (a multiple of {@code step}, at most the data minimum)
 * @param hi the axis maximum (a multiple of {@code step}, at least the data maximum)
 * @param step the distance between ticks
 */
public record AxisTicks(double lo, double hi, double step) {

  /**
   * Ticks for the data range [min, max] with about {@code target} intervals. A degenerate range
   * (min == max) is widened by 0.5 on both sides, as numpy does for histograms.
   *
   * @throws IllegalArgumentException if a bound is not finite, min > max or target < 1
   */
  public static AxisTicks covering(double min, double max, int target) {
    if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
      throw new IllegalArgumentException("axis range must be finite with min <= max, got [" + min + ", " + max + "]");
    }
    if (target < 1) {
      throw new IllegalArgumentException("target tick count must be >= 1, got " + target);
    }
    if (min == max) {
      min -= 0.5;
      max += 0.5;
    }
    double step = niceStep((max - min) / target);
    double lo = Math.floor(min / step) * step;
    double hi = Math.ceil(max / step) * step;
    return new AxisTicks(lo, hi, step);
  }

  /** Like {@link #covering} but with a step of at least 1, for counts. */
  public static AxisTicks integers(double min, double max, int target) {
    AxisTicks t = covering(min, max, target);
    if (t.step >= 1) {
      return t;
    }
    return new AxisTicks(Math.floor(min), Math.max(Math.ceil(max), Math.floor(min) + 1), 1);
  }

  /** The smallest of 1, 2, 2.5, 5, 10 times a power of ten that is >= {@code raw}. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double fraction = raw / magnitude;
    double nice;
    if (fraction <= 1) {
      nice = 1;
    } else if (fraction <= 2) {
      nice = 2;
    } else if (fraction <= 2.5) {
      nice = 2.5;
    } else if (fraction <= 5) {
      nice = 5;
    } else {
      nice = 10;
    }
    return nice * magnitude;
  }

  /** The tick values lo, lo + step, ..., hi (computed by index to avoid accumulated error). */
  public double[] values() {
    int n = (int) Math.round((hi - lo) / step);
    double[] v = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      double x = lo + i * step;
      v[i] = Math.abs(x) < step * 1e-9 ? 0.0 : x; // no "-0" label
    }
    return v;
  }

  /** Labels for {@link #values()}: as many decimals as the step needs; scientific for huge/tiny. */
  public List<String> labels() {
    double[] v = values();
    List<String> out = new ArrayList<>(v.length);
    double maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
    boolean scientific = maxAbs >= 1e6 || (maxAbs < 1e-3 && maxAbs > 0);
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    if (step * Math.pow(10, decimals) % 1 > 1e-6) {
      decimals++; // 2.5 x 10^k needs one more digit
    }
    for (double x : v) {
      out.add(scientific ? String.format(Locale.ROOT, "%.2e", x) : String.format(Locale.ROOT, "%." + decimals + "f", x));
    }
    return out;
  }
}
