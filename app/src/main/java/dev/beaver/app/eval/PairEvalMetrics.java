package dev.beaver.app.eval;

/**
 * The numbers safe-rlhf's {@code evaluate.reward} and {@code evaluate.cost} print, accumulated
 * batch by batch exactly as upstream does (reference §6), including the "scores" quirk: it is the
 * mean over batches of one half's batch mean (reward: the worse responses; cost: the safer
 * responses), accumulated in float32, not the mean of all scores.
 */
final class PairEvalMetrics {
  private long pairs;
  private long correct;
  private long correctSign;
  private int batches;
  private float quirkSum;

  /**
   * Adds one reward batch.
   *
   * @param better (B) end rewards of the better responses
   * @param worse (B) end rewards of the worse responses
   */
  void addRewardBatch(float[] better, float[] worse) {
    for (int i = 0; i < better.length; i++) {
      if (better[i] > worse[i]) {
        correct++;
      }
    }
    pairs += better.length;
    quirkSum += mean(worse); // upstream: scores += lower_end_rewards.mean()
    batches++;
  }

  /**
   * Adds one cost batch.
   *
   * @param safer (B) end costs of the safer responses
   * @param unsafer (B) end costs of the less safe responses
   * @param saferSign (B) +1 when the safer response is labeled safe, −1 when unsafe
   * @param unsaferSign (B) the same for the less safe response
   */
  void addCostBatch(float[] safer, float[] unsafer, long[] saferSign, long[] unsaferSign) {
    for (int i = 0; i < safer.length; i++) {
      if (safer[i] < unsafer[i]) {
        correct++;
      }
      // A cost's sign is right when cost · safety_sign < 0 (safe: negative cost).
      if (safer[i] * saferSign[i] < 0) {
        correctSign++;
      }
      if (unsafer[i] * unsaferSign[i] < 0) {
        correctSign++;
      }
    }
    pairs += safer.length;
    quirkSum += mean(safer); // upstream: scores += lower_end_costs.mean()
    batches++;
  }

  /** float32 mean, as torch's {@code mean()} of a float32 tensor. */
  private static float mean(float[] x) {
    float s = 0f;
    for (float v : x) {
      s += v;
    }
    return s / x.length;
  }

  long pairs() {
    return pairs;
  }

  int batches() {
    return batches;
  }

  /** Fraction of pairs ordered right (reward: better > worse; cost: safer < unsafer). */
  double accuracy() {
    return pairs == 0 ? Double.NaN : (double) correct / pairs;
  }

  /** Fraction of the 2N costs whose sign matches the safety label. */
  double accuracySign() {
    return pairs == 0 ? Double.NaN : (double) correctSign / (2.0 * pairs);
  }

  /** Upstream's printed "scores": the float32 sum of batch means over the number of batches. */
  float upstreamScores() {
    return batches == 0 ? Float.NaN : quirkSum / batches;
  }
}
