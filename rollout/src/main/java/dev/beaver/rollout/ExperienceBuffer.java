package dev.beaver.rollout;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.learner.rl.Experience;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Scored experience waiting for the learner, keyed by round and micro-batch, bounded by
 * {@code capacity} micro-batches. The coordinator admits no more work than the buffer holds, so a
 * full buffer stops admission; an {@link Add} beyond the bound is an invariant violation and stops
 * the buffer. The first copy of a micro-batch is kept (work dispatched again after a lost node or
 * a stalled worker may arrive twice) and reported {@link Coordinator.Stored}. The learner takes whole rounds, in micro-batch order (the trainer's order).
 */
public final class ExperienceBuffer extends AbstractBehavior<ExperienceBuffer.Command> {
  public sealed interface Command {}

  /** One scored micro-batch of {@code round}. */
  public record Add(int round, int micro, Experience experience)
      implements Command, ClusterMessage {}

  /** Reply with {@link RoundReady} once all {@code size} micro-batches of {@code round} are in. */
  public record TakeRound(int round, int size, ActorRef<RoundReady> replyTo)
      implements Command, NoSerializationVerificationNeeded {}

  /** The micro-batches of one round, in order; they leave the buffer. */
  public record RoundReady(int round, List<Experience> experiences)
      implements NoSerializationVerificationNeeded {}

  private final int capacity;
  private final ActorRef<Coordinator.Command> coordinator;
  private int taken;
  private final Map<Integer, TreeMap<Integer, Experience>> byRound = new TreeMap<>();
  private int size;
  private TakeRound pending;

  public static Behavior<Command> create(int capacity) {
    return create(capacity, null);
  }

  /** A buffer that reports every stored micro-batch to {@code coordinator} (may be null). */
  public static Behavior<Command> create(int capacity,
      ActorRef<Coordinator.Command> coordinator) {
    return Behaviors.setup(ctx -> new ExperienceBuffer(ctx, capacity, coordinator));
  }

  private ExperienceBuffer(ActorContext<Command> ctx, int capacity,
      ActorRef<Coordinator.Command> coordinator) {
    super(ctx);
    this.capacity = capacity;
    this.coordinator = coordinator;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Add.class, this::onAdd)
        .onMessage(TakeRound.class, this::onTakeRound)
        .build();
  }

  private Behavior<Command> onAdd(Add a) {
    // A re-dispatched micro-batch can arrive twice: the first copy counts, later ones (also for
    // rounds already taken) are dropped.
    if (a.round() < taken || byRound.getOrDefault(a.round(), EMPTY).containsKey(a.micro())) {
      getContext().getLog().debug("duplicate micro-batch {}/{} dropped", a.round(), a.micro());
      return this;
    }
    if (size >= capacity) {
      throw new IllegalStateException("experience buffer over its capacity of " + capacity
          + " micro-batches: admission control is broken");
    }
    byRound.computeIfAbsent(a.round(), r -> new TreeMap<>()).put(a.micro(), a.experience());
    size++;
    getContext().getLog().debug("stored micro-batch {}/{} ({} held)", a.round(), a.micro(), size);
    if (coordinator != null) {
      coordinator.tell(new Coordinator.Stored(a.round(), a.micro()));
    }
    deliver();
    return this;
  }

  private static final TreeMap<Integer, Experience> EMPTY = new TreeMap<>();

  private Behavior<Command> onTakeRound(TakeRound t) {
    pending = t;
    deliver();
    return this;
  }

  private void deliver() {
    if (pending == null) {
      return;
    }
    TreeMap<Integer, Experience> round = byRound.get(pending.round());
    if (round == null || round.size() < pending.size()) {
      return;
    }
    byRound.remove(pending.round());
    taken = Math.max(taken, pending.round() + 1);
    size -= round.size();
    pending.replyTo().tell(new RoundReady(pending.round(), new ArrayList<>(round.values())));
    pending = null;
  }
}
