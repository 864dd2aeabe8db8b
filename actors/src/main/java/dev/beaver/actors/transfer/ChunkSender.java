package dev.beaver.actors.transfer;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.transfer.ChunkedPayload.Completed;
import dev.beaver.actors.transfer.ChunkedPayload.Inbound;
import dev.beaver.actors.transfer.ChunkedPayload.Progress;
import dev.beaver.actors.transfer.ChunkedPayload.Refused;
import java.nio.ByteBuffer;
import java.time.Duration;
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
 * Sends one payload to one {@link ChunkReceiver} as checksummed chunks, then reports the result and
 * stops. One sender per transfer and receiver; spawn several to reach several receivers.
 *
 * <p>Memory stays bounded: chunks are cut from the caller's buffer only when sent, and at most
 * {@link TransferSettings#window()} are unacknowledged. When no progress arrives for {@link
 * TransferSettings#ackTimeout()} the offer is repeated and sending resumes from the first chunk the
 * receiver is missing (go-back-N; the receiver drops duplicates); after {@link
 * TransferSettings#maxRetries()} such timeouts in a row the transfer fails.
 */
public final class ChunkSender extends AbstractBehavior<ChunkSender.Command> {

  /**
   * Everything this actor handles. ({@link RelayForwarder}, which also takes {@link
   * ChunkedPayload.Reply}s, shares this type for its own local messages.)
   */
  public sealed interface Command
      permits ChunkedPayload.Reply, Timeout, RelayForwarder.Available, RelayForwarder.Tick {}

  /** The outcome reported to the requester. */
  public sealed interface Result extends ClusterMessage permits Delivered, Failed {
    long transferId();

    long version();
  }

  /** The receiver verified and swapped in the payload. */
  public record Delivered(long transferId, long version, long bytes, Duration elapsed)
      implements Result {}

  /** The transfer did not complete; {@code reason} says why (a refusal or a timeout). */
  public record Failed(long transferId, long version, String reason) implements Result {}

  private enum Timeout implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final TransferSettings settings;
  private final long transferId;
  private final long version;
  private final ByteBuffer payload;
  private final int count;
  private final ActorRef<Inbound> receiver;
  private final ActorRef<Result> replyTo;
  /** Relay route announced instead of a plain offer (first hop of a {@link Broadcast}). */
  private final Relay relay;
  private final long startNanos = System.nanoTime();
  private int acked;
  private int nextToSend;
  private int timeoutsInARow;
  private boolean offerAnswered;

  /**
   * @param payload bytes from its position to its limit; must not change until the result arrives
   *     (a read-only view is taken)
   * @param receiver the receiving {@link ChunkReceiver}
   * @param replyTo gets exactly one {@link Result}
   */
  public static Behavior<Command> create(
      TransferSettings settings,
      long transferId,
      long version,
      ByteBuffer payload,
      ActorRef<Inbound> receiver,
      ActorRef<Result> replyTo) {
    ByteBuffer view = payload.asReadOnlyBuffer();
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new ChunkSender(
                        ctx, timers, settings, transferId, version, view, receiver, replyTo,
                        null)));
  }

  private record Relay(
      ActorRef<ChunkReceiver.Command> receiver,
      List<ActorRef<ChunkReceiver.Command>> downstream,
      ActorRef<Broadcast.HopReport> origin) {}

  /**
   * As {@link #create}, but announces the transfer with a {@link Broadcast.RelayOffer} (hop 0)
   * naming {@code downstream}: the first hop of a {@link Broadcast}.
   */
  static Behavior<Command> createRelay(
      TransferSettings settings,
      long transferId,
      long version,
      ByteBuffer payload,
      ActorRef<ChunkReceiver.Command> receiver,
      List<ActorRef<ChunkReceiver.Command>> downstream,
      ActorRef<Broadcast.HopReport> origin,
      ActorRef<Result> replyTo) {
    ByteBuffer view = payload.asReadOnlyBuffer();
    Relay relay = new Relay(receiver, List.copyOf(downstream), origin);
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new ChunkSender(
                        ctx, timers, settings, transferId, version, view,
                        receiver.<Inbound>narrow(), replyTo, relay)));
  }

  private ChunkSender(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      TransferSettings settings,
      long transferId,
      long version,
      ByteBuffer payload,
      ActorRef<Inbound> receiver,
      ActorRef<Result> replyTo,
      Relay relay) {
    super(context);
    this.context = context;
    this.timers = timers;
    this.settings = settings;
    this.transferId = transferId;
    this.version = version;
    this.payload = payload;
    this.count = ChunkedPayload.chunkCount(payload.remaining(), settings.chunkBytes());
    this.receiver = receiver;
    this.replyTo = replyTo;
    this.relay = relay;
    sendOffer();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Progress.class, this::onProgress)
        .onMessage(Completed.class, this::onCompleted)
        .onMessage(Refused.class, this::onRefused)
        .onMessageEquals(Timeout.INSTANCE, this::onTimeout)
        .build();
  }

  private Behavior<Command> onProgress(Progress p) {
    if (p.transferId() != transferId) {
      return this;
    }
    offerAnswered = true;
    if (p.contiguous() > acked) {
      acked = p.contiguous();
      timeoutsInARow = 0;
    }
    if (nextToSend < acked) {
      nextToSend = acked;
    }
    pump();
    restartTimer();
    return this;
  }

  private Behavior<Command> onCompleted(Completed c) {
    if (c.transferId() != transferId) {
      return this;
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    context
        .getLog()
        .debug(
            "Delivered transfer [{}] version [{}] ([{}] bytes) in [{}]",
            transferId,
            version,
            payload.remaining(),
            elapsed);
    replyTo.tell(new Delivered(transferId, version, payload.remaining(), elapsed));
    return Behaviors.stopped();
  }

  private Behavior<Command> onRefused(Refused r) {
    if (r.transferId() != transferId) {
      return this;
    }
    replyTo.tell(new Failed(transferId, version, "refused: " + r.reason() + " " + r.detail()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onTimeout() {
    timeoutsInARow++;
    if (timeoutsInARow > settings.maxRetries()) {
      String reason =
          "no progress from "
              + receiver.path()
              + " after "
              + timeoutsInARow
              + " timeouts of "
              + settings.ackTimeout()
              + " ("
              + acked
              + " of "
              + count
              + " chunks acknowledged)";
      context.getLog().warn("Transfer [{}] failed: {}", transferId, reason);
      replyTo.tell(new Failed(transferId, version, reason));
      return Behaviors.stopped();
    }
    context
        .getLog()
        .info(
            "Transfer [{}]: no progress for [{}], resending from chunk [{}]",
            transferId,
            settings.ackTimeout(),
            acked);
    sendOffer();
    if (offerAnswered) {
      nextToSend = acked;
      pump();
    }
    return this;
  }

  private void sendOffer() {
    if (relay == null) {
      receiver.tell(
          new ChunkedPayload.Offer(
              transferId, version, count, payload.remaining(), context.getSelf().narrow()));
    } else {
      relay
          .receiver()
          .tell(
              new Broadcast.RelayOffer(
                  transferId,
                  version,
                  count,
                  payload.remaining(),
                  context.getSelf().narrow(),
                  relay.downstream(),
                  0,
                  relay.origin()));
    }
    restartTimer();
  }

  private void pump() {
    while (nextToSend < count && nextToSend - acked < settings.window()) {
      receiver.tell(ChunkedPayload.chunk(transferId, version, payload, nextToSend, count));
      nextToSend++;
    }
  }

  private void restartTimer() {
    timers.startSingleTimer(Timeout.INSTANCE, Timeout.INSTANCE, settings.ackTimeout());
  }
}
