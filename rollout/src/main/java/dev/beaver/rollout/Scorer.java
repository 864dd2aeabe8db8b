package dev.beaver.rollout;

import ai.djl.ndarray.NDManager;
import dev.beaver.actors.ClusterMessage;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.tokenizer.Tokenizer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Scores generated micro-batches with an {@link ExperienceScorer} (by default the run's frozen
 * models: reference log-probs, end reward and end cost); the scored experience goes to the buffer. Critic values are
 * the learner's (computed at consumption). Runs on the blocking dispatcher.
 */
public final class Scorer extends AbstractBehavior<Scorer.Command> {
  public sealed interface Command {}

  /** Score one generated micro-batch. */
  public record Score(WorkItem item, Rollout rollout) implements Command, ClusterMessage {}

  /** The frozen models; {@code costModel} null for PPO, {@code shapingNu} NaN unless shaping. */
  public record Models(Tokenizer actorTokenizer, CausalLm reference, ScoreModel rewardModel,
      ScoreModel costModel, double shapingNu) {}

  private final ExperienceScorer scorer;
  private final ActorRef<ExperienceBuffer.Command> buffer;
  private final NDManager manager;

  /** A scorer of the run's frozen models. */
  public static Behavior<Command> create(Models models, ActorRef<ExperienceBuffer.Command> buffer) {
    return create(ExperienceScorer.of(models), buffer);
  }

  /** A scorer with a custom scoring function. */
  public static Behavior<Command> create(ExperienceScorer scorer,
      ActorRef<ExperienceBuffer.Command> buffer) {
    return Behaviors.setup(ctx -> new Scorer(ctx, scorer, buffer));
  }

  private Scorer(ActorContext<Command> ctx, ExperienceScorer scorer,
      ActorRef<ExperienceBuffer.Command> buffer) {
    super(ctx);
    this.scorer = scorer;
    this.buffer = buffer;
    this.manager = NDManager.newBaseManager();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Score.class, this::onScore)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onScore(Score s) {
    TorchThread.noGrad();
    try (NDManager step = manager.newSubManager()) {
      Experience e = scorer.score(step, s.rollout());
      buffer.tell(new ExperienceBuffer.Add(s.item().round(), s.item().micro(), e));
    }
    return this;
  }

  private Behavior<Command> onPostStop() {
    manager.close();
    return this;
  }
}
