package dev.beaver.rollout.cluster;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.transfer.ChunkReceiver;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.rollout.ExperienceBuffer;
import dev.beaver.rollout.Scorer;
import dev.beaver.rollout.shard.ShardExchange;
import org.apache.pekko.actor.typed.ActorRef;

/** What node agents report to the job's driver. */
public sealed interface JobEvent {

  /**
   * Learner shard {@code rank}'s models are loaded. Rank 0 (the leader, the only shard of a
   * one-learner job) owns the experience buffer: scored experience goes to {@code buffer} (null
   * for the other ranks). In a group of K &gt; 1, {@code exchange} and
   * {@code receiver} are the shard's transport endpoint, to be introduced to its peers; null for
   * K = 1.
   */
  record LearnerReady(int rank, ActorRef<ExperienceBuffer.Command> buffer,
      ActorRef<ShardExchange.Command> exchange, ActorRef<ChunkReceiver.Command> receiver)
      implements JobEvent, ClusterMessage {}

  /** A scorer is ready. */
  record ScorerReady(ActorRef<Scorer.Command> scorer) implements JobEvent, ClusterMessage {}

  /**
   * A rollout node's {@code workers} are started and wait for weights, which reach them through
   * the node's chunk receiver {@code weights}, or its bulk data plane server at {@code bulk}
   * ({@code host:port}; empty when the node runs none).
   */
  record WorkersReady(int workers, ActorRef<ChunkedPayload.Inbound> weights, String bulk)
      implements JobEvent, ClusterMessage {}

  /**
   * The learner finished: its last version, optimizer steps, and the rows trained on at each
   * staleness (element s: rows of staleness s).
   */
  record JobFinished(long version, long steps, long[] stalenessHistogram)
      implements JobEvent, ClusterMessage {}

  /** A part of the job failed on {@code node}; the job cannot finish. */
  record JobFailed(String node, String reason) implements JobEvent, ClusterMessage {}
}
