package dev.beaver.models;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.config.ScoreConfig.ScoreType;

/**
 * The six models of an RL test run on shared data: stories260K as actor and reference, a reward
 * model and a reward critic with fresh heads seeded 3 on it, and the parity folder's safe-rlhf
 * score model as cost model and (head seeded 0) cost critic.
 */
public record RlTestModels(CausalLm actor, CausalLm ref, ScoreModel rm, ScoreModel cm,
    ScoreModel rc, ScoreModel cc) implements AutoCloseable {

  /** Loads the six models into {@code m} (skips the test when the shared data is absent). */
  public static RlTestModels load(NDManager m) {
    String lm = SharedData.stories260k().toString();
    String cost = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    return new RlTestModels(CausalLm.load(lm, m), CausalLm.load(lm, m),
        ScoreModel.load(lm, m, ScoreType.REWARD, 3), ScoreModel.load(cost, m),
        ScoreModel.load(lm, m, ScoreType.CRITIC, 3),
        ScoreModel.load(cost, m, ScoreType.CRITIC, 0));
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {actor, ref, rm, cm, rc, cc}) {
      try {
        c.close();
      } catch (Exception ignored) {
        // test cleanup
      }
    }
  }
}
