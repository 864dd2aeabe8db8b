package dev.beaver.actors.transfer;

import dev.beaver.actors.transfer.ChunkAssembler.Accepted;
import dev.beaver.actors.transfer.ChunkAssembler.Completed;
import dev.beaver.actors.transfer.ChunkAssembler.Outcome;
import dev.beaver.actors.transfer.ChunkAssembler.Rejected;
import dev.beaver.actors.transfer.ChunkedPayload.Assembled;
import dev.beaver.actors.transfer.ChunkedPayload.Chunk;
import dev.beaver.actors.transfer.ChunkedPayload.Offer;
import dev.beaver.actors.transfer.ChunkedPayload.Reply;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Receives chunked payloads on one node, verifies and assembles them ({@link ChunkAssembler}) and
 * hands every completed version to a local subscriber.
 *
 * <p>Spawn it as a top-level actor named {@link #NAME_PREFIX}{@code <payload>} (e.g. {@code
 * /user/chunks-weights}, through {@code BeaverNode.spawn}), so that chunks travel on Artery's
 * large-message lane (see {@link ChunkedPayload}); one receiver per node and payload kind, whose
 * subscriber passes completed payloads on to local actors. Other nodes address it as {@code
 * ActorRef<ChunkedPayload.Inbound>}.
 *
 * <p>A transfer announced by a {@link Broadcast.RelayOffer} is also relayed: every verified chunk
 * goes at once to a child {@link RelayForwarder} that sends it on to the next receiver of the
 * chain, and this receiver acknowledges its upstream at most {@link TransferSettings#window()}
 * chunks ahead of what the next receiver has acknowledged (backpressure along the chain, bounded
 * memory in the forwarder). If the forwarder fails, acknowledgements are no longer held back, so
 * this receiver still completes. On completion it tells the broadcaster {@link
 * Broadcast.HopDone}, besides everything a plain transfer does.
 */
public final class ChunkReceiver extends AbstractBehavior<ChunkReceiver.Command> {

  /** Receivers must be named with this prefix to be large-message destinations. */
  public static final String NAME_PREFIX = "chunks-";

  /** Everything this actor handles. */
  public sealed interface Command
      permits ChunkedPayload.Inbound,
          Broadcast.RelayOffer,
          RelayForwarder.Acked,
          RelayForwarder.Ended,
          ExpireIdle {}

  private enum ExpireIdle implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  private final ActorContext<Command> context;
  private final TransferSettings settings;
  private final ActorRef<Assembled> subscriber;
  private final ChunkAssembler assembler;
  private final Map<Long, ActorRef<Reply>> senders = new HashMap<>();
  private final Map<Long, Relay> relays = new HashMap<>();
  private final Map<Long, ActorRef<Reply>> completedSenders =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ActorRef<Reply>> eldest) {
          return size() > 64;
        }
      };

  /** Relay state of a transfer announced by a {@link Broadcast.RelayOffer}. */
  private static final class Relay {
    final int hop;
    final ActorRef<Broadcast.HopReport> origin;
    /** Null for the last receiver of the chain, and once the forwarder has stopped. */
    ActorRef<ChunkSender.Command> forwarder;
    /** Chunks the next receiver has acknowledged. */
    int downstreamAcked;
    /** Whether acknowledgements upstream are no longer held back (last hop, forwarder ended). */
    boolean released;
    /** The contiguous count last reported upstream. */
    int reported;

    Relay(int hop, ActorRef<Broadcast.HopReport> origin) {
      this.hop = hop;
      this.origin = origin;
    }
  }

  /**
   * @param subscriber gets every completed payload (local; the payload buffer is shared, not
   *     copied)
   */
  public static Behavior<Command> create(
      TransferSettings settings, ActorRef<Assembled> subscriber) {
    return create(settings, subscriber, System::nanoTime);
  }

  /** As {@link #create(TransferSettings, ActorRef)} with an injected monotonic clock. */
  public static Behavior<Command> create(
      TransferSettings settings, ActorRef<Assembled> subscriber, LongSupplier nanoClock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new ChunkReceiver(ctx, timers, settings, subscriber, nanoClock)));
  }

  private ChunkReceiver(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      TransferSettings settings,
      ActorRef<Assembled> subscriber,
      LongSupplier nanoClock) {
    super(context);
    this.context = context;
    this.settings = settings;
    this.subscriber = subscriber;
    this.assembler =
        new ChunkAssembler(
            settings.maxBufferedBytes(),
            settings.maxConcurrentTransfers(),
            settings.latestOnly(),
            nanoClock);
    timers.startTimerWithFixedDelay(
        ExpireIdle.INSTANCE, ExpireIdle.INSTANCE, settings.idleTimeout().dividedBy(2));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Offer.class, this::onOffer)
        .onMessage(Chunk.class, this::onChunk)
        .onMessage(Broadcast.RelayOffer.class, this::onRelayOffer)
        .onMessage(RelayForwarder.Acked.class, this::onRelayAcked)
        .onMessage(RelayForwarder.Ended.class, this::onRelayEnded)
        .onMessageEquals(ExpireIdle.INSTANCE, this::onExpireIdle)
        .build();
  }

  private Behavior<Command> onOffer(Offer offer) {
    ActorRef<Reply> done = completedSenders.get(offer.transferId());
    if (done != null || assembler.completedRecently(offer.transferId())) {
      offer.replyTo().tell(new ChunkedPayload.Completed(offer.transferId(), offer.version()));
      return this;
    }
    Outcome outcome =
        assembler.begin(offer.transferId(), offer.version(), offer.count(), offer.totalBytes());
    if (outcome instanceof Accepted a) {
      senders.put(offer.transferId(), offer.replyTo());
      offer
          .replyTo()
          .tell(new ChunkedPayload.Progress(a.transferId(), a.contiguous(), a.received()));
    } else if (outcome instanceof Rejected r) {
      context.getLog().info("Refused transfer [{}]: {} {}", r.transferId(), r.reason(), r.detail());
      offer.replyTo().tell(new ChunkedPayload.Refused(r.transferId(), r.reason(), r.detail()));
    }
    notifyAborted();
    return this;
  }

  private Behavior<Command> onChunk(Chunk chunk) {
    Outcome outcome = assembler.accept(chunk);
    ActorRef<Reply> sender = senders.get(chunk.transferId());
    if (outcome instanceof Accepted a) {
      relayChunk(chunk);
      if (sender != null) {
        sender.tell(
            new ChunkedPayload.Progress(a.transferId(), upstreamContiguous(a), a.received()));
      }
    } else if (outcome instanceof Completed c) {
      relayChunk(chunk);
      Assembled assembled = c.assembled();
      context
          .getLog()
          .info(
              "Assembled version [{}] ([{}] bytes) from transfer [{}]",
              assembled.version(),
              assembled.bytes(),
              assembled.transferId());
      subscriber.tell(assembled);
      senders.remove(chunk.transferId());
      Relay relay = relays.get(chunk.transferId());
      if (relay != null) {
        relay.origin.tell(
            new Broadcast.HopDone(chunk.transferId(), assembled.version(), relay.hop));
        if (relay.forwarder == null) {
          relays.remove(chunk.transferId());
        }
      }
      if (sender != null) {
        completedSenders.put(chunk.transferId(), sender);
        sender.tell(new ChunkedPayload.Completed(chunk.transferId(), assembled.version()));
      }
    } else if (outcome instanceof Rejected r) {
      onRejectedChunk(chunk, r, sender);
    }
    notifyAborted();
    return this;
  }

  private void onRejectedChunk(Chunk chunk, Rejected r, ActorRef<Reply> sender) {
    if (r.aborted()) {
      context.getLog().info("Refused transfer [{}]: {} {}", r.transferId(), r.reason(), r.detail());
      senders.remove(chunk.transferId());
      dropRelay(chunk.transferId());
      if (sender != null) {
        sender.tell(new ChunkedPayload.Refused(r.transferId(), r.reason(), r.detail()));
      }
      return;
    }
    ActorRef<Reply> done = completedSenders.get(chunk.transferId());
    if (done != null) {
      // A resend after our Completed was lost: confirm again.
      done.tell(new ChunkedPayload.Completed(chunk.transferId(), chunk.version()));
      return;
    }
    if (r.reason() == ChunkedPayload.RefusalReason.DUPLICATE) {
      context.getLog().debug("Dropped chunk of transfer [{}]: {}", r.transferId(), r.detail());
    } else {
      context
          .getLog()
          .warn("Dropped chunk of transfer [{}]: {} {}", r.transferId(), r.reason(), r.detail());
    }
    if (sender != null) {
      // Tell the sender where the gap starts; it resends from there on its next timeout.
      assembler
          .progressOf(chunk.transferId())
          .ifPresent(
              a ->
                  sender.tell(
                      new ChunkedPayload.Progress(
                          a.transferId(), upstreamContiguous(a), a.received())));
    }
  }

  private Behavior<Command> onExpireIdle() {
    for (Rejected r : assembler.expireIdle(settings.idleTimeout().toNanos())) {
      context.getLog().warn("Aborted idle transfer [{}]: {}", r.transferId(), r.detail());
      dropRelay(r.transferId());
      ActorRef<Reply> sender = senders.remove(r.transferId());
      if (sender != null) {
        sender.tell(new ChunkedPayload.Refused(r.transferId(), r.reason(), r.detail()));
      }
    }
    return this;
  }

  private void notifyAborted() {
    for (Rejected r : assembler.takeAborted()) {
      context.getLog().info("Aborted transfer [{}]: {} {}", r.transferId(), r.reason(), r.detail());
      dropRelay(r.transferId());
      ActorRef<Reply> sender = senders.remove(r.transferId());
      if (sender != null) {
        sender.tell(new ChunkedPayload.Refused(r.transferId(), r.reason(), r.detail()));
      }
    }
  }

  // --- relay (Broadcast) ---

  private Behavior<Command> onRelayOffer(Broadcast.RelayOffer offer) {
    long id = offer.transferId();
    if (completedSenders.containsKey(id) || assembler.completedRecently(id)) {
      offer.replyTo().tell(new ChunkedPayload.Completed(id, offer.version()));
      return this;
    }
    Outcome outcome = assembler.begin(id, offer.version(), offer.count(), offer.totalBytes());
    if (outcome instanceof Accepted a) {
      senders.put(id, offer.replyTo());
      if (!relays.containsKey(id)) {
        Relay relay = new Relay(offer.hop(), offer.origin());
        if (offer.downstream().isEmpty()) {
          relay.released = true;
        } else {
          relay.forwarder =
              context.spawn(
                  RelayForwarder.create(settings, offer, context.getSelf()), "relay-" + id);
        }
        relays.put(id, relay);
      }
      offer.replyTo().tell(new ChunkedPayload.Progress(id, upstreamContiguous(a), a.received()));
    } else if (outcome instanceof Rejected r) {
      context.getLog().info("Refused transfer [{}]: {} {}", r.transferId(), r.reason(), r.detail());
      offer.replyTo().tell(new ChunkedPayload.Refused(r.transferId(), r.reason(), r.detail()));
    }
    notifyAborted();
    return this;
  }

  private Behavior<Command> onRelayAcked(RelayForwarder.Acked acked) {
    Relay relay = relays.get(acked.transferId());
    if (relay != null && acked.contiguous() > relay.downstreamAcked) {
      relay.downstreamAcked = acked.contiguous();
      reportProgress(acked.transferId());
    }
    return this;
  }

  private Behavior<Command> onRelayEnded(RelayForwarder.Ended ended) {
    Relay relay = relays.get(ended.transferId());
    if (relay == null) {
      return this;
    }
    relay.forwarder = null;
    relay.released = true;
    if (assembler.progressOf(ended.transferId()).isEmpty()) {
      relays.remove(ended.transferId());
    } else {
      // Let the upstream go on at full speed: this receiver should still complete.
      reportProgress(ended.transferId());
    }
    return this;
  }

  /** Hands a verified chunk to the transfer's forwarder, if it is relayed. */
  private void relayChunk(Chunk chunk) {
    Relay relay = relays.get(chunk.transferId());
    if (relay != null && relay.forwarder != null) {
      relay.forwarder.tell(new RelayForwarder.Available(chunk));
    }
  }

  /**
   * The contiguous count to acknowledge upstream: held back to one window ahead of the next
   * receiver while a forwarder relays the transfer.
   */
  private int upstreamContiguous(Accepted a) {
    Relay relay = relays.get(a.transferId());
    if (relay == null) {
      return a.contiguous();
    }
    int c =
        relay.released
            ? a.contiguous()
            : (int) Math.min(a.contiguous(), (long) relay.downstreamAcked + settings.window());
    relay.reported = Math.max(relay.reported, c);
    return c;
  }

  /** Tells the upstream sender of a relayed transfer when its acknowledgement moved on. */
  private void reportProgress(long transferId) {
    Relay relay = relays.get(transferId);
    ActorRef<Reply> sender = senders.get(transferId);
    if (relay == null || sender == null) {
      return;
    }
    assembler
        .progressOf(transferId)
        .ifPresent(
            a -> {
              int before = relay.reported;
              int c = upstreamContiguous(a);
              if (c > before) {
                sender.tell(new ChunkedPayload.Progress(transferId, c, a.received()));
              }
            });
  }

  private void dropRelay(long transferId) {
    Relay relay = relays.remove(transferId);
    if (relay != null && relay.forwarder != null) {
      context.stop(relay.forwarder);
    }
  }
}
