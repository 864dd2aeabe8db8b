package dev.beaver.actors.transfer;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.transfer.ChunkedPayload.Reply;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Sends one payload to R {@link ChunkReceiver}s through a pipelined relay chain, then reports one
 * {@link Result} and stops.
 *
 * <p><b>How.</b> The payload goes to the first receiver of the chain only, announced by a {@link
 * RelayOffer} that names the rest of the chain. Every receiver hands each verified chunk at once
 * to a forwarder (a child actor) that sends it on to the next receiver, with the same window,
 * acknowledgements and go-back-N resends as a {@link ChunkSender}; the chunks are relayed, not the
 * assembled payload, so the whole broadcast takes about one transfer plus (R − 1) chunk latencies
 * instead of R transfers from the sender. Each receiver still assembles the payload and hands it
 * to its local subscriber exactly as for a plain transfer, and tells this actor {@link HopDone}.
 *
 * <p><b>Flow control and memory.</b> A receiver that relays acknowledges its upstream no further
 * than {@code window} chunks ahead of what its own downstream has acknowledged, so the chain moves
 * at the pace of its slowest link and a forwarder keeps at most about two windows of chunks
 * (besides the receiver's assembly buffer, which every receiver has anyway).
 *
 * <p><b>Failure.</b> A receiver that refuses the transfer or stops answering makes the forwarder
 * above it give up after {@link TransferSettings#maxRetries()} timeouts of {@link
 * TransferSettings#ackTimeout()}; the forwarder reports {@link HopFailed} and the broadcast fails
 * naming that receiver. Once the first receiver has the whole payload, the broadcast also fails
 * (naming the first receiver that has not confirmed) if no confirmation arrives for {@link
 * #stallTimeout}. Either way exactly one {@link Result} arrives; receivers already complete keep
 * their payload. Receivers relay with their own node's {@link TransferSettings}
 * ({@code beaver.node.transfer}); the stall timeout comes from the broadcaster's, so keep them
 * alike across the cluster.
 *
 * <p>The chain refs must be {@link ChunkReceiver}s (top-level {@code /user/chunks-<payload>}, as
 * for {@link ChunkSender}); the order of the list is the order of the chain. Put receivers on the
 * same host or rack next to each other.
 */
public final class Broadcast extends AbstractBehavior<Broadcast.Command> {

  /** Everything this actor handles. */
  public sealed interface Command permits HopReport, SenderResult, Stalled {}

  /**
   * Announces a relayed transfer to one receiver of the chain: as an {@link ChunkedPayload.Offer},
   * plus where to relay the chunks and whom to report to.
   *
   * @param replyTo the upstream sender (the broadcaster or the previous receiver's forwarder)
   * @param downstream the rest of the chain after this receiver, in order (empty for the last)
   * @param hop this receiver's 0-based position in the chain
   * @param origin the broadcaster, which gets {@link HopDone} and {@link HopFailed}
   */
  public record RelayOffer(
      long transferId,
      long version,
      int count,
      long totalBytes,
      ActorRef<Reply> replyTo,
      List<ActorRef<ChunkReceiver.Command>> downstream,
      int hop,
      ActorRef<HopReport> origin)
      implements ChunkReceiver.Command, ClusterMessage {
    public RelayOffer {
      ChunkedPayload.checkLayout(count, totalBytes);
      Objects.requireNonNull(replyTo, "replyTo");
      Objects.requireNonNull(origin, "origin");
      downstream = List.copyOf(downstream);
      if (hop < 0) {
        throw new IllegalArgumentException("hop must be >= 0, was " + hop);
      }
    }
  }

  /** What receivers and forwarders tell the broadcaster. */
  public sealed interface HopReport extends Command, ClusterMessage permits HopDone, HopFailed {
    long transferId();
  }

  /** Receiver {@code hop} verified and swapped in the whole payload. */
  public record HopDone(long transferId, long version, int hop) implements HopReport {}

  /**
   * Receiver {@code hop} refused the transfer or stopped answering its upstream forwarder (or, with
   * {@code hop} 0, the broadcaster).
   */
  public record HopFailed(long transferId, long version, int hop, String reason)
      implements HopReport {}

  /** The outcome reported to the requester, exactly once. */
  public sealed interface Result extends ClusterMessage permits Delivered, Failed {
    long transferId();

    long version();
  }

  /** Every receiver of the chain verified and swapped in the payload. */
  public record Delivered(long transferId, long version, long bytes, int receivers, Duration elapsed)
      implements Result {}

  /**
   * The broadcast did not complete. Receivers before {@code hop} may hold the new version.
   *
   * @param hop 0-based position in the chain of the receiver that failed
   * @param receiver that receiver's actor path
   */
  public record Failed(long transferId, long version, int hop, String receiver, String reason)
      implements Result {}

  private record SenderResult(ChunkSender.Result result)
      implements Command, NoSerializationVerificationNeeded {}

  private enum Stalled implements Command, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /**
   * How long the broadcaster waits for the next {@link HopDone} once the first receiver has the
   * whole payload: the time a forwarder needs to give up on a silent receiver, plus one ack
   * timeout.
   */
  public static Duration stallTimeout(TransferSettings settings) {
    return settings.ackTimeout().multipliedBy(settings.maxRetries() + 2L);
  }

  /**
   * A broadcaster for one payload.
   *
   * @param transferId unique per transfer (as for {@link ChunkSender})
   * @param payload bytes from its position to its limit; must not change until the result arrives
   *     (a read-only view is taken)
   * @param chain the receivers, in relay order (at least one, no repeats)
   * @param replyTo gets exactly one {@link Result}
   */
  public static Behavior<Command> create(
      TransferSettings settings,
      long transferId,
      long version,
      ByteBuffer payload,
      List<ActorRef<ChunkedPayload.Inbound>> chain,
      ActorRef<Result> replyTo) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a broadcast needs at least one receiver");
    }
    if (chain.stream().distinct().count() != chain.size()) {
      throw new IllegalArgumentException("a receiver appears twice in the chain " + chain);
    }
    List<ActorRef<ChunkReceiver.Command>> hops = new ArrayList<>();
    for (ActorRef<ChunkedPayload.Inbound> r : chain) {
      hops.add(r.unsafeUpcast());
    }
    ByteBuffer view = payload.asReadOnlyBuffer();
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new Broadcast(
                        ctx, timers, settings, transferId, version, view, hops, replyTo)));
  }

  private final TimerScheduler<Command> timers;
  private final TransferSettings settings;
  private final long transferId;
  private final long version;
  private final long bytes;
  private final List<ActorRef<ChunkReceiver.Command>> chain;
  private final ActorRef<Result> replyTo;
  private final BitSet done = new BitSet();
  private final long startNanos = System.nanoTime();

  private Broadcast(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      TransferSettings settings,
      long transferId,
      long version,
      ByteBuffer payload,
      List<ActorRef<ChunkReceiver.Command>> chain,
      ActorRef<Result> replyTo) {
    super(context);
    this.timers = timers;
    this.settings = settings;
    this.transferId = transferId;
    this.version = version;
    this.bytes = payload.remaining();
    this.chain = List.copyOf(chain);
    this.replyTo = replyTo;
    ActorRef<ChunkSender.Result> adapter =
        context.messageAdapter(ChunkSender.Result.class, SenderResult::new);
    context.spawn(
        ChunkSender.createRelay(
            settings,
            transferId,
            version,
            payload,
            this.chain.get(0),
            this.chain.subList(1, this.chain.size()),
            context.getSelf().narrow(),
            adapter),
        "hop0-" + transferId);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HopDone.class, this::onDone)
        .onMessage(HopFailed.class, this::onFailed)
        .onMessage(SenderResult.class, this::onSenderResult)
        .onMessageEquals(Stalled.INSTANCE, this::onStalled)
        .build();
  }

  private Behavior<Command> onDone(HopDone d) {
    if (d.transferId() != transferId || d.hop() < 0 || d.hop() >= chain.size()) {
      return this;
    }
    done.set(d.hop());
    if (done.cardinality() == chain.size()) {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
      getContext()
          .getLog()
          .debug(
              "Broadcast [{}] version [{}] ([{}] bytes) reached [{}] receivers in [{}]",
              transferId,
              version,
              bytes,
              chain.size(),
              elapsed);
      replyTo.tell(new Delivered(transferId, version, bytes, chain.size(), elapsed));
      return Behaviors.stopped();
    }
    if (done.get(0)) {
      restartStallTimer();
    }
    return this;
  }

  private Behavior<Command> onFailed(HopFailed f) {
    if (f.transferId() != transferId || f.hop() < 0 || f.hop() >= chain.size()) {
      return this;
    }
    return fail(f.hop(), f.reason());
  }

  private Behavior<Command> onSenderResult(SenderResult r) {
    if (r.result() instanceof ChunkSender.Failed f) {
      return fail(0, f.reason());
    }
    // The first receiver has everything; the rest follow within a few chunk latencies.
    restartStallTimer();
    return this;
  }

  private Behavior<Command> onStalled() {
    int first = done.nextClearBit(0);
    return fail(
        first,
        "no confirmation for "
            + stallTimeout(settings)
            + " after the first receiver completed ("
            + done.cardinality()
            + " of "
            + chain.size()
            + " receivers confirmed)");
  }

  private Behavior<Command> fail(int hop, String reason) {
    String receiver = chain.get(hop).path().toString();
    getContext()
        .getLog()
        .warn(
            "Broadcast [{}] version [{}] failed at receiver [{}] ({}): {}",
            transferId,
            version,
            hop,
            receiver,
            reason);
    replyTo.tell(new Failed(transferId, version, hop, receiver, reason));
    return Behaviors.stopped();
  }

  private void restartStallTimer() {
    timers.startSingleTimer(Stalled.INSTANCE, Stalled.INSTANCE, stallTimeout(settings));
  }
}
