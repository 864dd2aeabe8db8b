package dev.beaver.rollout;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.ExperienceMaker;
import dev.beaver.learner.rl.Rollout;

/**
 * How a scorer turns generated responses into scored experience: safe-rlhf's frozen models by
 * default ({@link #of(Scorer.Models)}); rule-based, tool-checked or ensemble scorers plug in here.
 * Runs on a scorer's blocking-dispatcher thread; one instance per scorer.
 *
 * <p>Contract: the returned {@link Experience} keeps the rollout's ids, mask, start, log-probs
 * and version, adds the reference log-probs (B, L−1) the KL penalty uses, the end rewards (B)
 * and, for PPO-Lag, the end costs (B); critic values stay null (the learner adds them).
 */
@FunctionalInterface
public interface ExperienceScorer {

  /**
   * @param manager a scoped manager closed after the call
   */
  Experience score(NDManager manager, Rollout rollout);

  /** Reference log-probs, reward and cost from the run's frozen models (safe-rlhf's scoring). */
  static ExperienceScorer of(Scorer.Models models) {
    return (manager, rollout) -> ExperienceMaker.score(manager, rollout,
        models.actorTokenizer(), models.reference(), models.rewardModel(), models.costModel(),
        models.shapingNu());
  }
}
