package dev.beaver.rollout;

import dev.beaver.learner.rl.ExperienceMaker;
import dev.beaver.learner.rl.Rollout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Best-of-n rollouts, the example of docs/rollout-strategies.md: for each prompt, {@code n}
 * candidate responses are sampled and the one a host-side {@link Preference} scores highest is
 * kept (ties: the earlier candidate).
 *
 * <p>The candidates are generated as one batch of n·B rows, the item's prompts repeated n times
 * (row k·B + i is candidate k of prompt i). One batch gives every candidate the same padded
 * prompt length S and the same {@code start}, so rows can be picked from it as they are; each row
 * samples from its own random stream (seeded by the item's seed and the row), so the candidates
 * of a prompt differ, and candidate 0 is the response plain sampling would give. The kept rows are
 * then cut to the longest kept sequence. Their log-probs are the ones generation computed: a row's
 * log-probs do not depend on the other rows of its batch (positions come from the attention
 * mask), so they are the policy's log-probs of exactly the kept tokens, as PPO needs.
 */
public class BestOfNStrategy implements RolloutStrategy {

  /** Scores one candidate; the highest is kept. */
  @FunctionalInterface
  public interface Preference {
    /** @param response the generated tokens (EOS included when generation produced it) */
    double score(int[] response);
  }

  /** Sees each selection (logging, tests). */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param scores [prompt][candidate] preference scores
     * @param kept per prompt, the index of the kept candidate
     * @param rollout what the strategy returns
     */
    void selected(WorkItem item, double[][] scores, int[] kept, Rollout rollout);
  }

  private final int n;
  private final Preference preference;
  private final Listener listener;

  public BestOfNStrategy(int n, Preference preference) {
    this(n, preference, (item, scores, kept, rollout) -> {});
  }

  public BestOfNStrategy(int n, Preference preference, Listener listener) {
    if (n < 1) {
      throw new IllegalArgumentException("best-of-n needs n >= 1, got " + n);
    }
    this.n = n;
    this.preference = preference;
    this.listener = listener;
  }

  @Override
  public Rollout generate(Context context, WorkItem item) {
    int b = item.prompts().length;
    List<int[]> repeated = new ArrayList<>(n * b);
    for (int k = 0; k < n; k++) {
      repeated.addAll(Arrays.asList(item.prompts()));
    }
    Rollout all = ExperienceMaker.generate(context.policy(), context.manager(), repeated,
        item.params(), context.version());
    double[][] scores = new double[b][n];
    int[] kept = new int[b];
    int[] rows = new int[b];
    for (int i = 0; i < b; i++) {
      for (int k = 0; k < n; k++) {
        scores[i][k] = preference.score(response(all, k * b + i));
        if (scores[i][k] > scores[i][kept[i]]) {
          kept[i] = k;
        }
      }
      rows[i] = kept[i] * b + i;
    }
    Rollout out = select(all, rows);
    listener.selected(item, scores, kept, out);
    return out;
  }

  /** The generated tokens of {@code row}: the real tokens after the prompt. */
  public static int[] response(Rollout r, int row) {
    long[] ids = r.inputIds()[row];
    boolean[] mask = r.attentionMask()[row];
    int[] out = new int[ids.length];
    int k = 0;
    for (int t = r.start() + 1; t < ids.length; t++) {
      if (mask[t]) {
        out[k++] = (int) ids[t];
      }
    }
    return Arrays.copyOf(out, k);
  }

  /**
   * {@code rows} of {@code r}, in that order, cut to L' = one past the last real token of any of
   * them (at least one generated column): ids and mask (B, L'), log-probs (B, L'−1).
   */
  static Rollout select(Rollout r, int[] rows) {
    int length = r.start() + 2;
    for (int row : rows) {
      boolean[] mask = r.attentionMask()[row];
      for (int t = mask.length - 1; t >= length; t--) {
        if (mask[t]) {
          length = t + 1;
          break;
        }
      }
    }
    long[][] ids = new long[rows.length][];
    boolean[][] mask = new boolean[rows.length][];
    float[][] logProbs = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      ids[i] = Arrays.copyOf(r.inputIds()[rows[i]], length);
      mask[i] = Arrays.copyOf(r.attentionMask()[rows[i]], length);
      logProbs[i] = Arrays.copyOf(r.logProbs()[rows[i]], length - 1);
    }
    return new Rollout(ids, mask, r.start(), logProbs, r.policyVersion());
  }
}
