package dev.beaver.learner.shard;

import dev.beaver.learner.optim.Param;
import dev.beaver.models.nn.HostTensor;
import java.util.List;
import java.util.Map;

/**
 * What an {@code RlTrainer} needs to be one shard of a data-parallel learner group of K shards:
 * its rank (which rows of each micro-batch it back-propagates) and the optimizer step at each
 * accumulation boundary (reduce the gradients across shards, clip by the global norm, update the
 * owned range of the parameters, gather the parameters back). A trainer without a member is a
 * group of one and takes today's local step.
 */
public interface GroupMember extends AutoCloseable {

  /** This shard's rank, 0 = the leader (logs metrics, evaluates, writes checkpoints). */
  int rank();

  /** K. */
  int size();

  /**
   * One model's part of an optimizer step.
   *
   * @param name "actor", "reward_critic", "cost_critic" (checkpoint names)
   * @param params the model's trainable parameters, their accumulated local gradients attached
   * @param lr this step's learning rate
   */
  record ModelStep(String name, List<Param> params, double lr) {}

  /** Throws when a gradient norm is not finite (the trainer's divergence check). */
  interface NormCheck {
    void check(String model, double norm);
  }

  /**
   * First row of {@code rank}'s slice of a micro-batch of {@code rows} rows: shard j
   * back-propagates rows {@code [rowStart(j), rowStart(j+1))}, weighted by its share of the rows.
   */
  static int rowStart(int rank, int size, int rows) {
    return (int) ((long) rows * rank / size);
  }

  /**
   * The optimizer step of every model, in order: on return each model's parameters hold the
   * values the single-learner step computes from the sum of all shards' gradients (identical on
   * every shard) and the gradients are zero. Every shard must call it at the same step.
   *
   * @param maxGradNorm global-norm clipping threshold (≤ 0: none)
   * @param lambda the shard's Lagrange multiplier (NaN without one): checked equal on all shards
   * @param check called with each model's global gradient norm before that model is updated
   */
  void optimizerStep(List<ModelStep> models, double maxGradNorm, double lambda,
      NormCheck check);

  /**
   * Gathers every model's sharded optimizer state into full {@code AdamW.state()} maps (the
   * checkpoint format, independent of K) on the leader; other ranks get an empty map. Every shard
   * must call it at the same point.
   */
  Map<String, Map<String, HostTensor>> gatherOptimizerState(List<ModelStep> models);

  /** Restores this shard's ranges of one model's optimizer from a full {@code AdamW.state()}. */
  void loadOptimizerState(String model, List<Param> params, Map<String, HostTensor> full);

  @Override
  void close();
}
