package dev.beaver.app.arena;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.tokenizer.Tokenizer;
import dev.beaver.rollout.ExperienceScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The arena's scoring function (the scorer actor's {@link ExperienceScorer}): the end reward and
 * end cost of each generated sequence (prompt and response, padding dropped) under the reward and
 * cost models. No reference log-probs (nothing is trained). A rollout's policy version names its
 * corner ({@link #RED} or {@link #BLUE}); when a score model's tokenizer differs from the corner's,
 * the sequence is decoded and encoded again with the score model's tokenizer (its EOS appended),
 * as the RL scorers do. One instance per scorer actor (the models run on its thread only).
 */
final class ArenaScorer implements ExperienceScorer {
  /** The policy version the red corner's workers generate at (their fixed weights' tag). */
  static final long RED = 0;
  /** The blue corner's version. */
  static final long BLUE = 1;

  private final ScoreModel reward;
  private final ScoreModel cost;
  private final Tokenizer red;
  private final Tokenizer blue;

  /**
   * @param red the red corner's tokenizer (decodes rollouts of version {@link #RED})
   * @param blue the blue corner's tokenizer
   */
  ArenaScorer(ScoreModel reward, ScoreModel cost, Tokenizer red, Tokenizer blue) {
    this.reward = reward;
    this.cost = cost;
    this.red = red;
    this.blue = blue;
  }

  @Override
  public Experience score(NDManager manager, Rollout rollout) {
    Tokenizer corner;
    if (rollout.policyVersion() == RED) {
      corner = red;
    } else if (rollout.policyVersion() == BLUE) {
      corner = blue;
    } else {
      throw new IllegalStateException("an arena rollout of version " + rollout.policyVersion()
          + " names no corner");
    }
    List<int[]> real = realTokens(rollout.inputIds(), rollout.attentionMask());
    return new Experience(rollout.inputIds(), rollout.attentionMask(), rollout.start(),
        rollout.logProbs(), null, endScores(manager, reward, corner, real),
        endScores(manager, cost, corner, real), null, null, rollout.policyVersion());
  }

  /** The real (unmasked) tokens of each row of (B, L) {@code ids}. */
  static List<int[]> realTokens(long[][] ids, boolean[][] mask) {
    List<int[]> out = new ArrayList<>(ids.length);
    for (int r = 0; r < ids.length; r++) {
      int[] kept = new int[ids[r].length];
      int k = 0;
      for (int t = 0; t < ids[r].length; t++) {
        if (mask[r][t]) {
          kept[k++] = (int) ids[r][t];
        }
      }
      out.add(Arrays.copyOf(kept, k));
    }
    return out;
  }

  private static float[] endScores(NDManager manager, ScoreModel model, Tokenizer corner,
      List<int[]> rows) {
    List<int[]> input = rows;
    if (!sameTokenizer(corner, model.tokenizer())) {
      input = new ArrayList<>(rows.size());
      for (int[] row : rows) {
        input.add(model.tokenizer().encode(corner.decode(row, true)
            + model.tokenizer().eosToken()));
      }
    }
    try (NDManager step = manager.newSubManager()) {
      float[][] scores = model.endScores(step, input);
      float[] out = new float[scores.length];
      for (int r = 0; r < out.length; r++) {
        out[r] = scores[r][0];
      }
      return out;
    }
  }

  private static final String PROBE = "BEGINNING OF CONVERSATION: USER: Hi! ASSISTANT: 42, ok.";

  /**
   * Whether two tokenizers give the same ids (vocabulary, specials and a probe text); the same
   * test as the RL scorer's (learner's {@code ExperienceMaker}, package-private there).
   */
  static boolean sameTokenizer(Tokenizer a, Tokenizer b) {
    return a.vocabSize() == b.vocabSize() && a.eosId() == b.eosId() && a.padId() == b.padId()
        && Arrays.equals(a.encode(PROBE), b.encode(PROBE));
  }
}
