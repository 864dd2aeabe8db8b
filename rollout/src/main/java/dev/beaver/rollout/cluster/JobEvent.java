package dev.beaver.rollout.cluster;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.rollout.ExperienceBuffer;
import dev.beaver.rollout.Scorer;
import org.apache.pekko.actor.typed.ActorRef;

/** What node agents report to the job's driver. */
public sealed interface JobEvent {

  /** The learner's models are loaded; scored experience goes to {@code buffer}. */
  record LearnerReady(ActorRef<ExperienceBuffer.Command> buffer) implements JobEvent, ClusterMessage {}

  /** A scorer is ready. */
  record ScorerReady(ActorRef<Scorer.Command> scorer) implements JobEvent, ClusterMessage {}

  /**
   * A rollout node's {@code workers} are started and wait for weights, which reach them through
   * the node's chunk receiver {@code weights}.
   */
  record WorkersReady(int workers, ActorRef<ChunkedPayload.Inbound> weights)
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
