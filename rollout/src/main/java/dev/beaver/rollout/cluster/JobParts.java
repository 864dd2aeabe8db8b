package dev.beaver.rollout.cluster;

import dev.beaver.learner.checkpoint.TrainerState;
import dev.beaver.learner.shard.GroupMember;
import dev.beaver.models.CausalLm;
import dev.beaver.rollout.ExperienceScorer;
import dev.beaver.rollout.LearnerActor;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.RunPlan;

/**
 * The pieces of one RL job that a node builds for its roles. Each method loads what it needs on
 * first use (a rollout node never loads the critics), and {@link #close()} frees all of it.
 * Methods are called from one actor at a time.
 */
public interface JobParts extends AutoCloseable {

  /** Coordinator: the rounds of the run (prompt batches, micro-batches and seeds). */
  RunPlan plan();

  /** The state of the checkpoint the run resumes from, or null for a fresh run. */
  default TrainerState resumeState() {
    return null;
  }

  /**
   * The newest complete checkpoint the run wrote ({@code --save_interval}), from which it restarts
   * when its learner is lost; null when there is none yet (the run then restarts from the start).
   */
  default java.nio.file.Path latestCheckpoint() {
    return null;
  }

  /** Coordinator and learner: staleness bound, buffer capacity, importance-weight truncation. */
  PipelineSettings pipeline();

  /** Learner: the trainer, actor and critics (opens the run's logs in the output folder). */
  LearnerActor.Models learner();

  /**
   * Learner shard {@code member.rank()} of a learner group of {@code member.size()}: the same
   * models as {@link #learner()} (same initial weights on every shard), with a trainer built with
   * {@code member}. Rank 0, the leader, logs, evaluates and saves as {@link #learner()} does; the
   * other ranks write nothing. Jobs that cannot train in a group keep this default.
   */
  default LearnerActor.Models learner(GroupMember member) {
    throw new UnsupportedOperationException("this job cannot train in a learner group");
  }

  /** Learner: saves the final policy where the command saves it; called once, after the run. */
  void finishLearner(TrainerState state);

  /** Scorer: the scoring function (by default the frozen reference, reward and cost models). */
  ExperienceScorer scorer();

  /** Rollout: a fresh policy replica for worker {@code index} (the worker closes it). */
  CausalLm replica(int index);

  /** Rollout: the strategy of worker {@code index}. */
  RolloutStrategy strategy(int index);

  /**
   * Rollout: the version worker {@code index} generates at with the fixed weights of its replica
   * (a job that trains nothing, such as an arena evaluation; the version tags its rollouts), or
   * −1 (the default) for a worker that takes the learner's published versions.
   */
  default long fixedWeightsVersion(int index) {
    return -1;
  }

  @Override
  void close();
}
