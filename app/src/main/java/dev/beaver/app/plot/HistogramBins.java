package dev.beaver.app.plot;

/**
 * Equal-width histogram counts, as {@code numpy.histogram(values, bins)}: the range is
 * [min, max] of the finite values (widened by 0.5 both sides when they are all equal), every bin
 * is half-open [e_i, e_i+1) except the last, which includes max. Non-finite values are ignored.
 *
 * @param edges bin edges, length bins + 1
 * @param counts counts per bin, length bins
 * @param ignored how many non-finite values were left out
 */
public record HistogramBins(double[] edges, long[] counts, int ignored) {

  /**
   * @throws IllegalArgumentException if {@code bins < 1} or there is no finite value
   */
  public static HistogramBins of(double[] values, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("histogram needs at least 1 bin, got " + bins);
    }
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("histogram needs at least one value, got none");
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int ignored = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      } else {
        ignored++;
      }
    }
    if (ignored == values.length) {
      throw new IllegalArgumentException(
          "histogram needs at least one finite value; all " + values.length + " are NaN or infinite");
    }
    if (min == max) {
      min -= 0.5;
      max += 0.5;
    }
    double[] edges = new double[bins + 1];
    double step = (max - min) / bins; // numpy.linspace: i * step + start, the last edge = stop
    for (int i = 0; i <= bins; i++) {
      edges[i] = i * step + min;
    }
    edges[bins] = max;
    long[] counts = onEdges(values, edges);
    return new HistogramBins(edges, counts, ignored);
  }

  /**
   * Counts of {@code values} in the bins given by increasing {@code edges}: [e_i, e_i+1), the
   * last bin closed; values outside [e_0, e_last] and non-finite values are not counted.
   *
   * @return counts, length edges.length - 1
   */
  public static long[] onEdges(double[] values, double[] edges) {
    int bins = edges.length - 1;
    long[] counts = new long[bins];
    for (double v : values) {
      if (!Double.isFinite(v) || v < edges[0] || v > edges[bins]) {
        continue;
      }
      int i = java.util.Arrays.binarySearch(edges, v);
      // Found: v is an edge and opens bin i; not found: insertion point - 1 is v's bin.
      int bin = i >= 0 ? i : -i - 2;
      counts[Math.min(bin, bins - 1)]++;
    }
    return counts;
  }

  /** The largest count (0 only if every value was ignored, which {@link #of} rejects). */
  public long maxCount() {
    long m = 0;
    for (long c : counts) {
      m = Math.max(m, c);
    }
    return m;
  }
}
