package dev.beaver.app.eval;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conditional log-likelihoods log p(target | prompt) of many (prompt, target) pairs, summed over
 * the target's tokens, computed in right-padded batches of full sequences (prompt ids ++ target
 * ids) with one forward pass each ({@link CausalLm#tokenLogProbs}).
 */
final class ChoiceLikelihoods {
  private ChoiceLikelihoods() {}

  /** Called after each batch with the number of pairs done so far. */
  interface Progress {
    void done(int pairs);
  }

  /**
   * @param prompts per pair, the prompt's ids (with BOS)
   * @param targets per pair, the target's ids (no special tokens)
   * @param maxLength sequences longer than this lose tokens from the start of the prompt, as
   *     BIG-bench truncates the context on the left
   * @return per pair, the summed log-probability of the target tokens (0 for an empty target)
   */
  static double[] score(CausalLm lm, NDManager manager, List<int[]> prompts, List<int[]> targets,
      int batchSize, int maxLength, Progress progress) {
    double[] out = new double[prompts.size()];
    for (int from = 0; from < prompts.size(); from += batchSize) {
      int to = Math.min(prompts.size(), from + batchSize);
      List<int[]> seqs = new ArrayList<>(to - from);
      int[] targetStart = new int[to - from];
      for (int i = from; i < to; i++) {
        int[] p = prompts.get(i);
        int[] t = targets.get(i);
        if (t.length >= maxLength) {
          throw new InvalidInputException("a choice of " + t.length + " tokens does not fit"
              + " --max_length " + maxLength + " with its prompt; raise --max_length");
        }
        int drop = Math.max(0, p.length + t.length - maxLength);
        int[] seq = new int[p.length - drop + t.length];
        System.arraycopy(p, drop, seq, 0, p.length - drop);
        System.arraycopy(t, 0, seq, p.length - drop, t.length);
        seqs.add(seq);
        targetStart[i - from] = p.length - drop;
      }
      float[][] lp = lm.tokenLogProbs(manager, seqs); // entry j scores token j + 1
      for (int r = 0; r < seqs.size(); r++) {
        out[from + r] = sumFrom(lp[r], targetStart[r] - 1);
      }
      if (progress != null) {
        progress.done(to);
      }
    }
    return out;
  }

  /** Sum of {@code lp[start..]} in double (the target tokens' log-probabilities). */
  static double sumFrom(float[] lp, int start) {
    return Arrays.stream(toDouble(lp), Math.max(0, start), lp.length).sum();
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
