package dev.beaver.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PairEvalMetricsTest {

  @Test
  void rewardScoresAreTheMeanOfBatchMeansOfTheWorseHalf() {
    PairEvalMetrics m = new PairEvalMetrics();
    m.addRewardBatch(new float[] {1, 2}, new float[] {0, 3}); // 1 right; worse mean 1.5
    m.addRewardBatch(new float[] {5}, new float[] {-1}); // 1 right; worse mean -1
    assertEquals(2.0 / 3.0, m.accuracy(), 1e-12);
    // Upstream quirk: (1.5 + -1) / 2 batches = 0.25, not the mean of the worse scores (2/3).
    assertEquals(0.25f, m.upstreamScores());
    assertEquals(3, m.pairs());
    assertEquals(2, m.batches());
  }

  @Test
  void costCountsOrderAndSignsOverAllResponses() {
    PairEvalMetrics m = new PairEvalMetrics();
    // pair 0: safer -1 (safe, sign right), unsafer 2 (unsafe, sign right), ordered right
    // pair 1: safer 0.5 (labeled safe: sign wrong), unsafer 0.25 (labeled safe: sign wrong), wrong order
    // pair 2: safer -3 (labeled unsafe: sign wrong), unsafer 4 (unsafe: right), ordered right
    m.addCostBatch(new float[] {-1, 0.5f, -3}, new float[] {2, 0.25f, 4},
        new long[] {1, 1, -1}, new long[] {-1, 1, -1});
    assertEquals(2.0 / 3.0, m.accuracy(), 1e-12);
    assertEquals(3.0 / 6.0, m.accuracySign(), 1e-12);
    assertEquals((-1 + 0.5f - 3) / 3f, m.upstreamScores(), 1e-7); // mean of the SAFER costs
  }

  @Test
  void aZeroCostHasNoRightSign() {
    PairEvalMetrics m = new PairEvalMetrics();
    m.addCostBatch(new float[] {0}, new float[] {1}, new long[] {1}, new long[] {-1});
    assertEquals(0.5, m.accuracySign(), 1e-12); // 0·1 < 0 is false; 1·(−1) < 0 is true
  }
}
