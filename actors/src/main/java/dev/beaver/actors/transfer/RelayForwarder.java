package dev.beaver.actors.transfer;

import dev.beaver.actors.transfer.ChunkedPayload.Chunk;
import dev.beaver.actors.transfer.ChunkedPayload.Completed;
import dev.beaver.actors.transfer.ChunkedPayload.Progress;
import dev.beaver.actors.transfer.ChunkedPayload.Refused;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One receiver's relay of a {@link Broadcast} transfer to the next receiver of the chain: a child
 * of the {@link ChunkReceiver}, which hands it every chunk as soon as the chunk is verified.
 *
 * <p>It sends chunks in index order as they become available, keeps at most {@link
 * TransferSettings#window()} unacknowledged, and resends from the next receiver's first missing
 * chunk when no progress arrives for {@link TransferSettings#ackTimeout()} while chunks are
 * outstanding (waiting for the upstream is not the next receiver's fault and is not counted). It
 * holds on to a chunk until the next receiver acknowledges it; its parent keeps that bounded by
 * acknowledging its own upstream at most one window ahead of this forwarder's acknowledged chunks
 * ({@link Acked}). After {@link TransferSettings#maxRetries()} timeouts in a row, or a refusal, it
 * reports {@link Broadcast.HopFailed} for the next receiver to the broadcaster and stops; it stops
 * too when the next receiver completes. Either way its parent gets {@link Ended}.
 */
final class RelayForwarder extends AbstractBehavior<ChunkSender.Command> {


  /** A verified chunk, from the parent receiver. */
  record Available(Chunk chunk) implements ChunkSender.Command, NoSerializationVerificationNeeded {}

  /** To the parent: the next receiver has the first {@code contiguous} chunks. */
  record Acked(long transferId, int contiguous)
      implements ChunkReceiver.Command, NoSerializationVerificationNeeded {}

  /** To the parent: this forwarder stopped; {@code failed}: without completing the next receiver. */
  record Ended(long transferId, boolean failed)
      implements ChunkReceiver.Command, NoSerializationVerificationNeeded {}

  /** The forwarder's ack timer. */
  enum Tick implements ChunkSender.Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private final ActorContext<ChunkSender.Command> context;
  private final TimerScheduler<ChunkSender.Command> timers;
  private final TransferSettings settings;
  private final long transferId;
  private final long version;
  private final int count;
  private final long totalBytes;
  private final ActorRef<ChunkReceiver.Command> next;
  private final List<ActorRef<ChunkReceiver.Command>> rest;
  private final int nextHop;
  private final ActorRef<Broadcast.HopReport> origin;
  private final ActorRef<ChunkReceiver.Command> parent;
  /** Chunks received and not yet acknowledged by {@code next}; null elsewhere. */
  private final Chunk[] pending;

  private int acked;
  private int nextToSend;
  private int timeoutsInARow;
  private boolean offerAnswered;

  static Behavior<ChunkSender.Command> create(
      TransferSettings settings,
      Broadcast.RelayOffer offer,
      ActorRef<ChunkReceiver.Command> parent) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(timers -> new RelayForwarder(ctx, timers, settings, offer, parent)));
  }

  private RelayForwarder(
      ActorContext<ChunkSender.Command> context,
      TimerScheduler<ChunkSender.Command> timers,
      TransferSettings settings,
      Broadcast.RelayOffer offer,
      ActorRef<ChunkReceiver.Command> parent) {
    super(context);
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.transferId = offer.transferId();
    this.version = offer.version();
    this.count = offer.count();
    this.totalBytes = offer.totalBytes();
    this.next = offer.downstream().get(0);
    this.rest = offer.downstream().subList(1, offer.downstream().size());
    this.nextHop = offer.hop() + 1;
    this.origin = offer.origin();
    this.parent = parent;
    this.pending = new Chunk[count];
    sendOffer();
  }

  @Override
  public Receive<ChunkSender.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Available.class, this::onAvailable)
        .onMessage(Progress.class, this::onProgress)
        .onMessage(Completed.class, this::onCompleted)
        .onMessage(Refused.class, this::onRefused)
        .onMessageEquals(Tick.INSTANCE, this::onTimeout)
        .build();
  }

  private Behavior<ChunkSender.Command> onAvailable(Available a) {
    Chunk c = a.chunk();
    if (c.transferId() != transferId || c.index() < acked || c.index() >= count) {
      return this;
    }
    if (nextToSend == acked && offerAnswered) {
      // Something is outstanding again from now on: time it from now.
      restartTimer();
    }
    pending[c.index()] = c;
    if (offerAnswered) {
      pump();
    }
    return this;
  }

  private Behavior<ChunkSender.Command> onProgress(Progress p) {
    if (p.transferId() != transferId) {
      return this;
    }
    offerAnswered = true;
    int contiguous = Math.min(p.contiguous(), count);
    if (contiguous > acked) {
      for (int i = acked; i < contiguous; i++) {
        pending[i] = null;
      }
      acked = contiguous;
      timeoutsInARow = 0;
      parent.tell(new Acked(transferId, acked));
    }
    if (nextToSend < acked) {
      nextToSend = acked;
    }
    pump();
    restartTimer();
    return this;
  }

  private Behavior<ChunkSender.Command> onCompleted(Completed c) {
    if (c.transferId() != transferId) {
      return this;
    }
    parent.tell(new Acked(transferId, count));
    parent.tell(new Ended(transferId, false));
    return Behaviors.stopped();
  }

  private Behavior<ChunkSender.Command> onRefused(Refused r) {
    if (r.transferId() != transferId) {
      return this;
    }
    return fail("refused: " + r.reason() + " " + r.detail());
  }

  private Behavior<ChunkSender.Command> onTimeout() {
    if (offerAnswered && nextToSend == acked) {
      // Nothing outstanding: waiting for our own upstream, not for the next receiver.
      restartTimer();
      return this;
    }
    timeoutsInARow++;
    if (timeoutsInARow > settings.maxRetries()) {
      return fail(
          "no progress from "
              + next.path()
              + " after "
              + timeoutsInARow
              + " timeouts of "
              + settings.ackTimeout()
              + " ("
              + acked
              + " of "
              + count
              + " chunks acknowledged)");
    }
    context
        .getLog()
        .info(
            "Relay of transfer [{}] to hop [{}]: no progress for [{}], resending from chunk [{}]",
            transferId,
            nextHop,
            settings.ackTimeout(),
            acked);
    sendOffer();
    if (offerAnswered) {
      nextToSend = acked;
      pump();
    }
    return this;
  }

  private Behavior<ChunkSender.Command> fail(String reason) {
    context.getLog().warn("Relay of transfer [{}] to hop [{}] failed: {}", transferId, nextHop, reason);
    origin.tell(new Broadcast.HopFailed(transferId, version, nextHop, reason));
    parent.tell(new Ended(transferId, true));
    return Behaviors.stopped();
  }

  private void sendOffer() {
    next.tell(
        new Broadcast.RelayOffer(
            transferId,
            version,
            count,
            totalBytes,
            context.getSelf().narrow(),
            rest,
            nextHop,
            origin));
    restartTimer();
  }

  private void pump() {
    while (nextToSend < count
        && nextToSend - acked < settings.window()
        && pending[nextToSend] != null) {
      next.tell(pending[nextToSend]);
      nextToSend++;
    }
  }

  private void restartTimer() {
    timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, settings.ackTimeout());
  }
}
