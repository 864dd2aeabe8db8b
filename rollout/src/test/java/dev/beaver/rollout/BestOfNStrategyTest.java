package dev.beaver.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.CausalLm;
import dev.beaver.models.SharedData;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The best-of-n example strategy on its own: row selection, the kept candidate, candidate 0. */
class BestOfNStrategyTest {

  @Test
  void shouldPickRowsInOrderAndCutThemToTheLongestKeptSequence() {
    // S = 2 (start 1), L = 6; pad 0. Rows: responses of 2, 1, 4 and 1 tokens.
    long[][] ids = {
      {0, 5, 7, 8, 0, 0},
      {4, 5, 9, 0, 0, 0},
      {0, 5, 7, 8, 9, 10},
      {4, 5, 11, 0, 0, 0}};
    boolean[][] mask = new boolean[4][6];
    float[][] lp = new float[4][5];
    for (int r = 0; r < 4; r++) {
      for (int t = 0; t < 6; t++) {
        mask[r][t] = ids[r][t] != 0;
      }
      for (int t = 0; t < 5; t++) {
        lp[r][t] = -(10 * r + t);
      }
    }
    Rollout out = BestOfNStrategy.select(new Rollout(ids, mask, 1, lp, 3), new int[] {1, 0});
    // The longest kept row (row 0) ends at column 3: L' = 4.
    assertArrayEquals(new long[] {4, 5, 9, 0}, out.inputIds()[0]);
    assertArrayEquals(new long[] {0, 5, 7, 8}, out.inputIds()[1]);
    assertArrayEquals(new boolean[] {false, true, true, true}, out.attentionMask()[1]);
    assertArrayEquals(new float[] {-10, -11, -12}, out.logProbs()[0], 0f);
    assertArrayEquals(new float[] {0, -1, -2}, out.logProbs()[1], 0f);
    assertEquals(1, out.start());
    assertEquals(3, out.policyVersion());
    assertArrayEquals(new int[] {7, 8}, BestOfNStrategy.response(out, 1));
    assertArrayEquals(new int[] {9}, BestOfNStrategy.response(out, 0));
  }

  private static WorkItem item(CausalLm lm) {
    int[][] prompts = {
      lm.tokenizer().encode(PromptTemplate.prompt("Tell me a story about a cat.")),
      lm.tokenizer().encode(PromptTemplate.prompt("What did Lily see?"))
    };
    return new WorkItem(0, 0, prompts, new SamplingParams(1.0, 1.0, 0, 1.0, 12, 0, 5));
  }

  @Test
  void shouldKeepTheCandidateThePreferenceScoresHighest() {
    try (NDManager m = NDManager.newBaseManager()) {
      CausalLm lm = CausalLm.load(SharedData.stories260k().toString(), m);
      WorkItem item = item(lm);
      List<double[][]> scores = new ArrayList<>();
      List<int[]> kept = new ArrayList<>();
      // Prefer the response with the most distinct tokens.
      BestOfNStrategy.Preference distinct =
          response -> java.util.Arrays.stream(response).distinct().count();
      RolloutStrategy s = new BestOfNStrategy(4, distinct, (it, sc, k, r) -> {
        scores.add(sc);
        kept.add(k);
      });
      Rollout out;
      try (NDManager step = m.newSubManager()) {
        out = s.generate(new RolloutStrategy.Context(lm, step, 5), item);
      }
      assertEquals(2, out.batchSize());
      assertEquals(5, out.policyVersion());
      assertEquals(out.inputIds()[0].length - 1, out.logProbs()[0].length);
      // The candidates differ, so the choice is not vacuous.
      assertTrue(java.util.Arrays.stream(scores.get(0))
          .anyMatch(c -> java.util.Arrays.stream(c).distinct().count() > 1));
      for (int i = 0; i < 2; i++) {
        double best = java.util.Arrays.stream(scores.get(0)[i]).max().orElseThrow();
        assertEquals(best, scores.get(0)[i][kept.get(0)[i]]);
        assertEquals(best, distinct.score(BestOfNStrategy.response(out, i)));
        // The row still starts with its prompt, left-padded to the item's longest prompt.
        int[] prompt = item.prompts()[i];
        for (int t = 0; t < prompt.length; t++) {
          assertEquals(prompt[t], out.inputIds()[i][out.start() + 1 - prompt.length + t]);
        }
      }
    }
  }

  @Test
  void shouldMakeCandidateZeroThePlainSample() {
    try (NDManager m = NDManager.newBaseManager()) {
      CausalLm lm = CausalLm.load(SharedData.stories260k().toString(), m);
      WorkItem item = item(lm);
      Rollout best;
      Rollout plain;
      try (NDManager step = m.newSubManager()) {
        // A constant preference keeps the first candidate of every prompt.
        best = new BestOfNStrategy(3, response -> 0.0)
            .generate(new RolloutStrategy.Context(lm, step, 0), item);
        plain = BestOfNStrategy.select(RolloutStrategy.sampling()
            .generate(new RolloutStrategy.Context(lm, step, 0), item), new int[] {0, 1});
      }
      assertEquals(plain.start(), best.start());
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(plain.inputIds()[i], best.inputIds()[i]);
        assertArrayEquals(plain.attentionMask()[i], best.attentionMask()[i]);
        assertArrayEquals(plain.logProbs()[i], best.logProbs()[i], 1e-4f);
      }
    }
  }
}
