package dev.beaver.rollout;

import dev.beaver.actors.transfer.ChunkedPayload;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A rollout node's end of the weight broadcast: it gets each completed weights payload from the
 * node's {@code /user/chunks-weights} receiver, decodes it once and hands it to every local
 * worker. It keeps the newest version, so a worker registered later gets the current weights
 * before it takes any work. Older versions than the newest are ignored.
 */
public final class WeightsInbox extends AbstractBehavior<WeightsInbox.Command> {
  public sealed interface Command {}

  /** Adds a local worker; it gets the newest weights now (if any) and every later version. */
  public record Register(ActorRef<RolloutWorker.Command> worker)
      implements Command, NoSerializationVerificationNeeded {}

  /** The job ended: forget its workers and weights (the next job counts versions from 0). */
  public record Reset() implements Command, NoSerializationVerificationNeeded {}

  /** A completed weights payload from the node's chunk receiver. */
  public record Received(ChunkedPayload.Assembled payload)
      implements Command, NoSerializationVerificationNeeded {}

  private final List<ActorRef<RolloutWorker.Command>> workers = new ArrayList<>();
  private RolloutWorker.WeightsPublished newest;

  public static Behavior<Command> create() {
    return Behaviors.setup(WeightsInbox::new);
  }

  /**
   * A behaviour that forwards completed payloads to {@code inbox}: spawn it and give it to the
   * node's weights {@code ChunkReceiver} as its subscriber.
   */
  public static Behavior<ChunkedPayload.Assembled> forwarder(ActorRef<Command> inbox) {
    return Behaviors.receiveMessage(a -> {
      inbox.tell(new Received(a));
      return Behaviors.same();
    });
  }

  private WeightsInbox(ActorContext<Command> ctx) {
    super(ctx);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::onRegister)
        .onMessage(Received.class, this::onReceived)
        .onMessage(Reset.class, r -> {
          workers.clear();
          newest = null;
          return this;
        })
        .build();
  }

  private Behavior<Command> onRegister(Register r) {
    workers.add(r.worker());
    if (newest != null) {
      r.worker().tell(newest);
    }
    return this;
  }

  private Behavior<Command> onReceived(Received r) {
    WeightsCodec.Versioned decoded = WeightsCodec.decode(r.payload().payload());
    long version = decoded.version();
    if (newest != null && version <= newest.version()) {
      return this;
    }
    newest = new RolloutWorker.WeightsPublished(version, decoded.weights());
    getContext().getLog().info("weights version {} received ({} bytes)", version,
        r.payload().bytes());
    workers.forEach(w -> w.tell(newest));
    return this;
  }
}
