package dev.beaver.rollout;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.rl.ExperienceMaker;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.CausalLm;
import java.util.Arrays;

/**
 * How a rollout worker turns one micro-batch of prompts into responses: plain sampling by
 * default; best-of-n, multi-turn or tool-calling strategies plug in here. A strategy runs on the
 * worker's blocking-dispatcher thread with the worker's policy replica, which holds exactly one
 * weight version for the whole call (new weights are applied only between two calls).
 *
 * <p>Contract: the returned {@link Rollout} has one row per prompt of the item, in order; its
 * {@code logProbs} are the policy's log-probs of the tokens it holds (what PPO uses as the
 * behaviour policy), and its {@code policyVersion} is {@link Context#version()}. A strategy must
 * be thread-confined state only (one instance per worker, see {@link Factory}).
 */
@FunctionalInterface
public interface RolloutStrategy {

  /**
   * The worker's state a strategy may use.
   *
   * @param policy the worker's policy replica (do not close it, do not change its weights)
   * @param manager a scoped manager closed after the call: every NDArray made in it is freed
   * @param version the policy's weight version
   */
  record Context(CausalLm policy, NDManager manager, long version) {}

  /** Generates the responses of {@code item}. */
  Rollout generate(Context context, WorkItem item);

  /** Makes one strategy per worker (workers run concurrently). */
  @FunctionalInterface
  interface Factory {
    RolloutStrategy create(int workerIndex);
  }

  /** safe-rlhf's rollout: one sampled response per prompt with the item's sampling parameters. */
  static RolloutStrategy sampling() {
    return (c, item) -> ExperienceMaker.generate(c.policy(), c.manager(),
        Arrays.asList(item.prompts()), item.params(), c.version());
  }
}
