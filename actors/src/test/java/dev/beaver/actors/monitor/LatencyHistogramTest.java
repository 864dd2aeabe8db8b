package dev.beaver.actors.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void shouldPutEveryValueInsideItsBucket() {
    for (long v : new long[] {0, 1, 3, 4, 5, 7, 8, 1000, 1023, 1024, 1_000_000, 123_456_789L,
        1L << 41}) {
      int i = LatencyHistogram.index(v);
      assertTrue(LatencyHistogram.lowerBound(i) <= v && v < LatencyHistogram.upperBound(i),
          v + " in bucket " + i + " [" + LatencyHistogram.lowerBound(i) + ", "
              + LatencyHistogram.upperBound(i) + ")");
    }
    assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE));
  }

  @Test
  void shouldReportQuantilesWithinTenPercent() {
    LatencyHistogram h = new LatencyHistogram();
    // 1..1000 µs uniformly: p50 = 500 µs, p95 = 950 µs, p99 = 990 µs.
    for (int us = 1; us <= 1000; us++) {
      h.record(us * 1000L);
    }
    long[] c = h.counts();
    assertEquals(500e3, LatencyHistogram.quantile(c, 0.50), 50e3);
    assertEquals(950e3, LatencyHistogram.quantile(c, 0.95), 95e3);
    assertEquals(990e3, LatencyHistogram.quantile(c, 0.99), 99e3);
    assertTrue(Double.isNaN(LatencyHistogram.quantile(new long[LatencyHistogram.BUCKETS], 0.5)));
  }

  @Test
  void shouldTakeQuantilesOfTheWindowBetweenTwoCopies() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 100; i++) {
      h.record(1_000_000); // 1 ms
    }
    long[] before = h.counts();
    for (int i = 0; i < 10; i++) {
      h.record(100_000_000); // 100 ms
    }
    long[] window = LatencyHistogram.minus(h.counts(), before);
    assertEquals(100e6, LatencyHistogram.quantile(window, 0.5), 10e6);
  }
}
