package dev.beaver.rollout;

import ai.djl.ndarray.NDManager;
import dev.beaver.actors.ClusterMessage;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.CausalLm;
import dev.beaver.models.nn.HostTensor;
import java.util.Arrays;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A policy replica tagged with its version. It takes no work before the first published weights;
 * then it pulls one micro-batch at a time from the coordinator, generates the responses and their
 * behaviour log-probs with its {@link RolloutStrategy}, and hands the rollout to the scorer. New
 * weights replace the replica's
 * between two messages, after checking that they name every parameter, so generation never sees
 * a half-applied version. Runs on the blocking dispatcher.
 */
public final class RolloutWorker extends AbstractBehavior<RolloutWorker.Command> {
  public sealed interface Command {}

  /**
   * Generate the responses of one micro-batch and send them to {@code scorer} (null: this
   * worker's own scorer).
   */
  public record Generate(WorkItem item, ActorRef<Scorer.Command> scorer)
      implements Command, ClusterMessage {
    public Generate(WorkItem item) {
      this(item, null);
    }
  }

  /**
   * The learner's policy at {@code version} as host tensors. In one JVM the map travels in the
   * message (node-local); across JVMs it will come through the chunked transfer.
   */
  public record WeightsPublished(long version, Map<String, HostTensor> weights)
      implements Command, NoSerializationVerificationNeeded {}

  private final CausalLm replica;
  private final RolloutStrategy strategy;
  private final NDManager manager;
  private final ActorRef<Coordinator.Command> coordinator;
  private final ActorRef<Scorer.Command> scorer;
  private long version = -1;

  /**
   * @param replica this worker's own policy model (its weights are overwritten by the first
   *     {@link WeightsPublished}); the worker closes it when it stops
   */
  public static Behavior<Command> create(CausalLm replica, ActorRef<Coordinator.Command> coordinator,
      ActorRef<Scorer.Command> scorer) {
    return create(replica, RolloutStrategy.sampling(), coordinator, scorer);
  }

  /** A worker generating with a custom {@link RolloutStrategy}. */
  public static Behavior<Command> create(CausalLm replica, RolloutStrategy strategy,
      ActorRef<Coordinator.Command> coordinator, ActorRef<Scorer.Command> scorer) {
    return Behaviors.setup(ctx -> new RolloutWorker(ctx, replica, strategy, coordinator, scorer));
  }

  /**
   * A worker whose replica already holds the weights it generates with for the whole job (no
   * learner publishes any, e.g. an evaluation's fixed model): it is at {@code version} from the
   * start and asks for work at once. The version is the tag its rollouts carry.
   */
  public static Behavior<Command> withFixedWeights(CausalLm replica, RolloutStrategy strategy,
      ActorRef<Coordinator.Command> coordinator, ActorRef<Scorer.Command> scorer, long version) {
    if (version < 0) {
      throw new IllegalArgumentException("a fixed weight version must be >= 0, got " + version);
    }
    return Behaviors.setup(ctx -> {
      RolloutWorker w = new RolloutWorker(ctx, replica, strategy, coordinator, scorer);
      w.version = version;
      coordinator.tell(new Coordinator.RequestWork(version, ctx.getSelf()));
      return w;
    });
  }

  private RolloutWorker(ActorContext<Command> ctx, CausalLm replica, RolloutStrategy strategy,
      ActorRef<Coordinator.Command> coordinator, ActorRef<Scorer.Command> scorer) {
    super(ctx);
    this.replica = replica;
    this.strategy = strategy;
    this.manager = NDManager.newBaseManager();
    this.coordinator = coordinator;
    this.scorer = scorer;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Generate.class, this::onGenerate)
        .onMessage(WeightsPublished.class, this::onWeightsPublished)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onGenerate(Generate g) {
    TorchThread.noGrad();
    WorkItem item = g.item();
    try (NDManager step = manager.newSubManager()) {
      Rollout r = strategy.generate(new RolloutStrategy.Context(replica, step, version), item);
      if (r.batchSize() != item.prompts().length || r.policyVersion() != version) {
        throw new IllegalStateException("the rollout strategy returned " + r.batchSize()
            + " rows of version " + r.policyVersion() + " for " + item.prompts().length
            + " prompts at version " + version);
      }
      (g.scorer() == null ? scorer : g.scorer()).tell(new Scorer.Score(item, r));
    }
    coordinator.tell(new Coordinator.RequestWork(version, getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onWeightsPublished(WeightsPublished w) {
    TorchThread.noGrad();
    if (w.version() <= version) {
      return this;
    }
    var params = replica.decoder().weights().parameters();
    if (!params.keySet().equals(w.weights().keySet())) {
      throw new IllegalStateException("weights of version " + w.version()
          + " do not name the replica's parameters; refusing a partial update");
    }
    for (var e : w.weights().entrySet()) {
      if (!Arrays.equals(params.get(e.getKey()).getShape().getShape(), e.getValue().shape())) {
        throw new IllegalStateException("weights of version " + w.version() + ": "
            + e.getKey() + " has shape " + Arrays.toString(e.getValue().shape()));
      }
    }
    replica.decoder().weights().load(w.weights());
    version = w.version();
    coordinator.tell(new Coordinator.RequestWork(version, getContext().getSelf()));
    return this;
  }

  private Behavior<Command> onPostStop() {
    manager.close();
    replica.close();
    return this;
  }
}
