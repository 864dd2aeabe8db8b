package dev.beaver.rollout;

import dev.beaver.models.CausalLm;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One RL run as actors in one JVM: coordinator, experience buffer, scorer, {@code workers} rollout
 * workers (one policy replica each) and the learner. It stops, with all its actors, when the
 * learner has finished (after replying {@link LearnerActor.Finished} to {@code replyTo}) or when
 * any of its actors fails (then no reply comes: watch the pipeline).
 */
public final class Pipeline {
  private Pipeline() {}

  /**
   * @param replicas one policy model per worker, owned (and closed) by the workers; their weights
   *     are replaced by the learner's version 0 before they take work
   */
  public static Behavior<Void> create(PipelineSettings settings, RunPlan plan,
      LearnerActor.Models learner, Scorer.Models scorer, List<CausalLm> replicas,
      ActorRef<LearnerActor.Finished> replyTo) {
    return create(settings, plan, learner, ExperienceScorer.of(scorer), replicas,
        i -> RolloutStrategy.sampling(), replyTo);
  }

  /**
   * A pipeline with a custom scoring function and rollout strategy.
   *
   * @param strategies makes the strategy of each worker
   */
  public static Behavior<Void> create(PipelineSettings settings, RunPlan plan,
      LearnerActor.Models learner, ExperienceScorer scorer, List<CausalLm> replicas,
      RolloutStrategy.Factory strategies, ActorRef<LearnerActor.Finished> replyTo) {
    if (replicas.size() != settings.workers()) {
      throw new IllegalArgumentException(
          "need one replica per worker: " + replicas.size() + " for " + settings.workers());
    }
    return Behaviors.setup(ctx -> {
      DispatcherSelector blocking = DispatcherSelector.fromConfig(
          PipelineSettings.BLOCKING_DISPATCHER);
      var coordinator = ctx.spawn(Coordinator.create(settings, plan), "coordinator");
      var buffer = ctx.spawn(ExperienceBuffer.create(settings.bufferCapacity(), coordinator),
          "buffer");
      var scorerRef = ctx.spawn(Scorer.create(scorer, buffer), "scorer", blocking);
      List<ActorRef<RolloutWorker.Command>> workers = new ArrayList<>();
      for (int i = 0; i < replicas.size(); i++) {
        workers.add(ctx.spawn(RolloutWorker.create(replicas.get(i), strategies.create(i),
            coordinator, scorerRef),
            "worker-" + i, blocking));
      }
      var learnerRef = ctx.spawn(
          LearnerActor.create(learner, plan, settings.isTruncation(), buffer, coordinator,
              workers, replyTo), "learner",
          DispatcherSelector.fromConfig(PipelineSettings.LEARNER_DISPATCHER));
      ctx.watch(learnerRef);
      ctx.watch(scorerRef);
      ctx.watch(buffer);
      ctx.watch(coordinator);
      workers.forEach(ctx::watch);
      return Behaviors.receive(Void.class)
          .onSignal(Terminated.class, t -> Behaviors.stopped())
          .build();
    });
  }
}
