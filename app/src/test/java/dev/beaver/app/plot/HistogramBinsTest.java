package dev.beaver.app.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistogramBinsTest {

  // Expected values are numpy 1.x output of np.histogram(values, bins=...).
  @Test
  void countsMatchNumpyWithTheLastBinClosed() {
    HistogramBins h = HistogramBins.of(new double[] {0, 1, 2, 3, 4, 5, 10}, 5);
    assertArrayEquals(new long[] {2, 2, 2, 0, 1}, h.counts());
    assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10}, h.edges(), 1e-12);
    assertEquals(2, h.maxCount());
  }

  @Test
  void aValueOnAnInnerEdgeOpensTheNextBinAsInNumpy() {
    // np.histogram([0.1, 0.2, 0.3, 0.7], bins=3) -> [2, 1, 1]; 0.3 lies exactly on edge 1.
    HistogramBins h = HistogramBins.of(new double[] {0.1, 0.2, 0.3, 0.7}, 3);
    assertArrayEquals(new long[] {2, 1, 1}, h.counts());
  }

  @Test
  void equalValuesWidenTheRangeByAHalf() {
    // np.histogram([3, 3, 3], bins=4) -> [0, 0, 3, 0], edges 2.5 .. 3.5
    HistogramBins h = HistogramBins.of(new double[] {3, 3, 3}, 4);
    assertArrayEquals(new long[] {0, 0, 3, 0}, h.counts());
    assertArrayEquals(new double[] {2.5, 2.75, 3, 3.25, 3.5}, h.edges(), 1e-12);
  }

  @Test
  void nonFiniteValuesAreIgnoredAndCounted() {
    HistogramBins h = HistogramBins.of(new double[] {1, Double.NaN, 2, Double.POSITIVE_INFINITY}, 2);
    assertArrayEquals(new long[] {1, 1}, h.counts());
    assertEquals(2, h.ignored());
  }

  @Test
  void rejectsEmptyNanOnlyAndZeroBins() {
    assertThrows(IllegalArgumentException.class, () -> HistogramBins.of(new double[0], 10));
    assertThrows(IllegalArgumentException.class, () -> HistogramBins.of(new double[] {Double.NaN}, 10));
    assertThrows(IllegalArgumentException.class, () -> HistogramBins.of(new double[] {1}, 0));
  }

  @Test
  void onEdgesDropsValuesOutsideTheRange() {
    assertArrayEquals(
        new long[] {1, 2}, HistogramBins.onEdges(new double[] {-1, 0, 1, 2, 3}, new double[] {0, 1, 2}));
  }
}
