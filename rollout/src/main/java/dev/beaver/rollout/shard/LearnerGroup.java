package dev.beaver.rollout.shard;

import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.RlTrainer;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The leader's side of a learner group: replaces the learner's {@code trainer.trainBatch(...)}
 * call. It sends every follower ({@link LearnerShard}, ranks 1..K−1, attached to their nodes'
 * exchanges) the round's scored micro-batches through the leader's {@link ShardExchange} (one
 * message per micro-batch, or a chunked transfer when one is larger than a message may be),
 * then trains the leader's own trainer (rank 0) on the same round; the shards
 * meet at every optimizer step, so when it returns the leader's parameters are the group's
 * (publish them as today). λ and its window: every shard feeds the whole round's episode costs
 * into its own multiplier and applies the same deterministic update, and each step checks that
 * all shards hold the same λ (see {@code ShardedStep}); the leader's is the one published.
 */
public final class LearnerGroup {
  private final RlTrainer leader;
  private final ActorRef<ShardExchange.Command> exchange;
  private long round = -1;

  /**
   * @param leader the rank-0 trainer (built with its group member), driven by the caller's
   *     thread
   * @param exchange the leader's exchange (the one its member's collective uses)
   */
  public LearnerGroup(RlTrainer leader, ActorRef<ShardExchange.Command> exchange) {
    if (leader.member() == null || leader.member().rank() != 0) {
      throw new IllegalArgumentException("the leader must be rank 0 of its group");
    }
    this.leader = leader;
    this.exchange = exchange;
  }

  public RlTrainer leader() {
    return leader;
  }

  /** As {@link RlTrainer#trainBatch(List, List, int, int, int, double, List, Map)}, groupwide. */
  public void trainBatch(List<Experience> experiences, List<float[][]> actorWeights, int epoch,
      int bi, int numPromptBatches, double rolloutSeconds, List<List<int[]>> evalPrompts,
      Map<String, Double> batchMetrics) {
    round++;
    for (LearnerShard.RoundItem item : LearnerShard.items(round, epoch, bi, numPromptBatches,
        experiences, actorWeights)) {
      exchange.tell(new ShardExchange.SendItem(item));
    }
    leader.trainBatch(experiences, actorWeights, epoch, bi, numPromptBatches, rolloutSeconds,
        evalPrompts, batchMetrics);
  }
}
