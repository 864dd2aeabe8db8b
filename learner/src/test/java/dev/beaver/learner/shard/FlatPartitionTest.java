package dev.beaver.learner.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlatPartitionTest {

  @Test
  void shouldCutContiguousBalancedRangesThatCoverEveryElementOnce() {
    long[] sizes = {7, 1, 0, 30, 5};
    for (int k = 1; k <= 6; k++) {
      FlatPartition p = new FlatPartition(sizes, k);
      assertEquals(43, p.total());
      assertEquals(0, p.lo(0));
      assertEquals(43, p.hi(k - 1));
      int covered = 0;
      for (int j = 0; j < k; j++) {
        assertEquals(p.hi(j), j + 1 < k ? p.lo(j + 1) : 43);
        assertTrue(Math.abs(p.length(j) - 43.0 / k) < 1, "balanced");
        long next = p.lo(j);
        for (FlatPartition.Segment s : p.segments(j)) {
          assertEquals(next, s.flatOffset(), "segments are contiguous");
          assertEquals(p.paramOffset(s.param()) + s.paramOffset(), s.flatOffset());
          assertTrue(s.paramOffset() + s.length() <= p.paramSize(s.param()));
          next += s.length();
          covered += s.length();
        }
        assertEquals(p.hi(j), next);
      }
      assertEquals(43, covered);
    }
  }

  @Test
  void shouldSplitAParameterAcrossRanges() {
    FlatPartition p = new FlatPartition(new long[] {10, 10}, 4);
    // Ranges [0,5) [5,10) [10,15) [15,20).
    assertEquals(List.of(new FlatPartition.Segment(0, 5, 5, 5)), p.segments(1));
    assertEquals(List.of(new FlatPartition.Segment(0, 8, 8, 2),
        new FlatPartition.Segment(1, 0, 10, 3)), p.segments(8, 13));
  }
}
