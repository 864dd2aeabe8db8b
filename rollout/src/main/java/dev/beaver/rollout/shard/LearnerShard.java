package dev.beaver.rollout.shard;

import ai.djl.pytorch.jni.JniUtils;
import dev.beaver.actors.ClusterMessage;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.RlTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A learner shard that is driven by messages: it owns an {@link RlTrainer} built with a group
 * member (rank r of K), receives each round's scored micro-batches one message each ({@link
 * RoundItem}, the size of an {@code ExperienceBuffer.Add}), and when a round is complete trains
 * on it with exactly the leader's call ({@link RlTrainer#trainBatch}); the optimizer steps meet
 * the other shards' through the {@link ShardExchange}. Spawn it on the learner (pinned)
 * dispatcher: DJL's autograd state is per thread, and its exchange must run elsewhere.
 *
 * <p>The leader of a group is not one of these but the pipeline's learner, which keeps calling
 * {@code trainBatch} on its own trainer (rank 0) after sending the followers the round through
 * its exchange ({@link LearnerGroup#trainBatch}). Items may also be told directly (one message
 * each must stay under Artery's frame limit then).
 */
public final class LearnerShard extends AbstractBehavior<LearnerShard.Command> {
  public sealed interface Command {}

  /**
   * Micro-batch {@code index} of {@code count} of round {@code round} (prompt batch {@code
   * batchIndex} of {@code numPromptBatches} in {@code epoch}): the scored experience with critic
   * values (and proximal log-probs) as the leader trains on it, and its importance weights or
   * null.
   */
  public record RoundItem(long round, int index, int count, int epoch, int batchIndex,
      int numPromptBatches, Experience experience, float[][] weights)
      implements Command, ClusterMessage {}

  /** Asks for {@link BarrierReached} once every round up to {@code round} is trained. */
  public record Barrier(long round, ActorRef<BarrierReached> replyTo)
      implements Command, ClusterMessage {}

  /**
   * Rounds up to {@code round} are trained on shard {@code rank}; {@code lambda} is its λ (NaN
   * without one), {@code globalStep} its step counter.
   */
  public record BarrierReached(int rank, long round, double lambda, long globalStep)
      implements ClusterMessage {}

  private final RlTrainer trainer;
  private final List<Experience> items = new ArrayList<>();
  private final List<float[][]> weights = new ArrayList<>();
  private final List<Barrier> barriers = new ArrayList<>();
  private long round = -1;
  private long trained = -1;

  /**
   * @param trainer a trainer built with the shard's group member; closed by the caller
   * @param numPromptBatches prompt batches per epoch (for {@link RlTrainer#begin})
   * @param resume checkpoint to resume from, or null
   */
  public static Behavior<Command> create(RlTrainer trainer, int numPromptBatches, Path resume) {
    return Behaviors.setup(ctx -> new LearnerShard(ctx, trainer, numPromptBatches, resume));
  }

  /**
   * A follower that takes its round items from its node's {@link ShardExchange} (where the
   * leader's {@link LearnerGroup} sends them: small ones as messages, large ones chunked).
   */
  public static Behavior<Command> create(RlTrainer trainer, int numPromptBatches, Path resume,
      ActorRef<ShardExchange.Command> exchange) {
    return Behaviors.setup(ctx -> {
      exchange.tell(new ShardExchange.Attach(ctx.getSelf()));
      return new LearnerShard(ctx, trainer, numPromptBatches, resume);
    });
  }

  private LearnerShard(ActorContext<Command> ctx, RlTrainer trainer, int numPromptBatches,
      Path resume) {
    super(ctx);
    if (trainer.member() == null) {
      throw new IllegalArgumentException("a learner shard needs a trainer with a group member");
    }
    this.trainer = trainer;
    JniUtils.setGradMode(false);
    trainer.begin(numPromptBatches, resume);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RoundItem.class, this::onItem)
        .onMessage(Barrier.class, this::onBarrier)
        .build();
  }

  private Behavior<Command> onItem(RoundItem it) {
    if (it.round() != round) {
      if (it.round() <= trained || !items.isEmpty()) {
        throw new IllegalStateException("learner shard " + trainer.member().rank()
            + ": item of round " + it.round() + " while round " + round + " is incomplete or "
            + "done");
      }
      round = it.round();
      items.clear();
      weights.clear();
      for (int i = 0; i < it.count(); i++) {
        items.add(null);
        weights.add(null);
      }
    }
    items.set(it.index(), it.experience());
    weights.set(it.index(), it.weights());
    if (items.contains(null)) {
      return this;
    }
    JniUtils.setGradMode(false);
    boolean anyWeights = weights.stream().anyMatch(w -> w != null);
    trainer.trainBatch(new ArrayList<>(items), anyWeights ? new ArrayList<>(weights) : null,
        it.epoch(), it.batchIndex(), it.numPromptBatches(), 0.0, null, Map.of());
    trained = round;
    items.clear();
    weights.clear();
    List<Barrier> due = new ArrayList<>(barriers);
    barriers.clear();
    due.forEach(this::onBarrier);
    return this;
  }

  private Behavior<Command> onBarrier(Barrier b) {
    if (b.round() <= trained) {
      double lambda = trainer.lambda() == null ? Double.NaN : trainer.lambda().lambda();
      b.replyTo().tell(new BarrierReached(trainer.member().rank(), trained, lambda,
          trainer.state() == null ? 0 : trainer.state().globalStep()));
    } else {
      barriers.add(b);
    }
    return this;
  }

  /** The round's items as messages, in order. */
  public static List<RoundItem> items(long round, int epoch, int batchIndex,
      int numPromptBatches, List<Experience> experiences, List<float[][]> weights) {
    List<RoundItem> out = new ArrayList<>();
    for (int i = 0; i < experiences.size(); i++) {
      out.add(new RoundItem(round, i, experiences.size(), epoch, batchIndex, numPromptBatches,
          experiences.get(i), weights == null ? null : weights.get(i)));
    }
    return out;
  }

}
