package dev.beaver.rollout.shard;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.transfer.ChunkReceiver;
import dev.beaver.actors.transfer.ChunkSender;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.actors.transfer.TransferSettings;
import dev.beaver.learner.shard.Collective;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One learner shard's end of the group's {@link Collective} over the cluster. The shard's
 * learner thread hands it contributions ({@link #collective}) and blocks on the returned futures
 * only when it needs a result; this actor (on an ordinary dispatcher, never the learner's
 * thread) sends every peer its part and completes the future when all peers' parts for the tag
 * have arrived (parts that arrive before the local contribution are kept).
 *
 * <p>Transport: a part of at most {@link #maxMessageBytes} goes as one {@link Slice} message
 * (Kryo); a larger one is encoded ({@link ShardCodec}) and sent by a {@link ChunkSender} to the
 * peer's {@link ChunkReceiver}, top-level {@code /user/chunks-learner-shard-<rank>} (Artery's
 * large-message lane, checksummed, windowed, resent on loss), whose subscriber forwards the
 * assembled payload here ({@link #forwarder}). A failed transfer, or a peer exchange that stops
 * (watched; a node that dies or leaves counts), fails every pending and later future, so the
 * learner's step fails loudly instead of hanging.
 */
public final class ShardExchange extends AbstractBehavior<ShardExchange.Command> {
  /** Parts up to this size travel as one message (Artery's frame limit is 256 KiB). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 192 * 1024;

  public sealed interface Command {}

  /**
   * The group: {@code exchanges.get(j)} and {@code receivers.get(j)} are rank j's exchange and
   * chunk receiver (own entries included). Sent once to every shard before the first step.
   */
  public record Peers(List<ActorRef<Command>> exchanges,
      List<ActorRef<ChunkedPayload.Inbound>> receivers) implements Command, ClusterMessage {
    public Peers {
      exchanges = List.copyOf(exchanges);
      receivers = List.copyOf(receivers);
      if (exchanges.size() != receivers.size()) {
        throw new IllegalArgumentException("one receiver per exchange");
      }
    }
  }

  /**
   * One rank's part for one tag: floats (all-to-all) or scalars (all-gather); the other null.
   */
  public record Slice(long tag, int from, float[] floats, double[] scalars)
      implements Command, ClusterMessage {}

  /**
   * A round item from the leader, for the shard attached to the receiving exchange (small items;
   * large ones travel as chunked payloads).
   */
  public record Item(LearnerShard.RoundItem item) implements Command, ClusterMessage {}

  /** Sends {@code item} to every other rank's attached shard (local, from the leader). */
  public record SendItem(LearnerShard.RoundItem item)
      implements Command, NoSerializationVerificationNeeded {}

  /** Round items that reach this exchange go to {@code shard} (local, from the shard itself). */
  public record Attach(ActorRef<LearnerShard.Command> shard)
      implements Command, NoSerializationVerificationNeeded {}

  /** A local contribution from the shard's learner thread. */
  private record Contribute(long tag, float[][] floats, double[] scalars,
      CompletableFuture<Object> done) implements Command, NoSerializationVerificationNeeded {}

  private record Assembled(ChunkedPayload.Assembled payload)
      implements Command, NoSerializationVerificationNeeded {}

  private record Sent(ChunkSender.Result result)
      implements Command, NoSerializationVerificationNeeded {}

  private static final class Pending {
    final Object[] parts;
    int arrived;
    CompletableFuture<Object> done;
    boolean scalars;

    Pending(int size) {
      parts = new Object[size];
    }
  }

  private final int rank;
  private final int size;
  private final TransferSettings transfer;
  private final int maxMessageBytes;
  private final ActorRef<ChunkSender.Result> sentAdapter;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final List<Contribute> stash = new ArrayList<>();
  /** Items to send, waiting for the peers. */
  private final List<SendItem> sendStash = new ArrayList<>();
  /** Items received, waiting for the local shard to attach. */
  private final List<Item> itemStash = new ArrayList<>();
  private ActorRef<LearnerShard.Command> attached;
  private Peers peers;
  private long transfers;
  private String failure;

  /**
   * @param transfer chunked-transfer settings (latest-only is ignored: every part counts)
   */
  public static Behavior<Command> create(int rank, int size, TransferSettings transfer,
      int maxMessageBytes) {
    return Behaviors.setup(ctx -> new ShardExchange(ctx, rank, size, transfer, maxMessageBytes));
  }

  /** The name of rank {@code rank}'s top-level chunk receiver. */
  public static String receiverName(int rank) {
    return ChunkReceiver.NAME_PREFIX + "learner-shard-" + rank;
  }

  /**
   * The chunk receiver of a shard: every transfer delivered (not latest-only), subscriber =
   * a {@link #forwarder} to the exchange.
   */
  public static Behavior<ChunkReceiver.Command> receiver(TransferSettings transfer,
      ActorRef<ChunkedPayload.Assembled> forwarder) {
    return ChunkReceiver.create(everyTransfer(transfer), forwarder);
  }

  /** Forwards assembled payloads of the shard's chunk receiver to its exchange. */
  public static Behavior<ChunkedPayload.Assembled> forwarder(ActorRef<Command> exchange) {
    return Behaviors.receiveMessage(a -> {
      exchange.tell(new Assembled(a));
      return Behaviors.same();
    });
  }

  static TransferSettings everyTransfer(TransferSettings t) {
    return new TransferSettings(t.chunkBytes(), t.window(), t.ackTimeout(), t.maxRetries(),
        t.maxBufferedBytes(), t.maxConcurrentTransfers(), t.idleTimeout(), false);
  }

  /** The {@link Collective} the shard's learner thread uses (thread-safe: it only tells). */
  public static Collective collective(ActorRef<Command> exchange, int rank, int size) {
    return new Collective() {
      @Override
      public int rank() {
        return rank;
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public CompletableFuture<float[][]> allToAll(long tag, float[][] parts) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        exchange.tell(new Contribute(tag, parts, null, f));
        return f.thenApply(o -> (float[][]) o);
      }

      @Override
      public CompletableFuture<double[][]> allGather(long tag, double[] values) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        exchange.tell(new Contribute(tag, null, values, f));
        return f.thenApply(o -> (double[][]) o);
      }
    };
  }

  private ShardExchange(ActorContext<Command> ctx, int rank, int size, TransferSettings transfer,
      int maxMessageBytes) {
    super(ctx);
    this.rank = rank;
    this.size = size;
    this.transfer = everyTransfer(transfer);
    this.maxMessageBytes = maxMessageBytes;
    this.sentAdapter = ctx.messageAdapter(ChunkSender.Result.class, Sent::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Peers.class, this::onPeers)
        .onMessage(Contribute.class, this::onContribute)
        .onMessage(Slice.class, this::onSlice)
        .onMessage(Assembled.class, this::onAssembled)
        .onMessage(Item.class, this::onItem)
        .onMessage(SendItem.class, this::onSendItem)
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Sent.class, this::onSent)
        .onSignal(Terminated.class, this::onPeerTerminated)
        .build();
  }

  private Behavior<Command> onPeers(Peers p) {
    if (p.exchanges().size() != size) {
      throw new IllegalArgumentException("a group of " + size + " got " + p.exchanges().size()
          + " peers");
    }
    peers = p;
    List<SendItem> sends = new ArrayList<>(sendStash);
    sendStash.clear();
    sends.forEach(this::onSendItem);
    for (int j = 0; j < size; j++) {
      if (j != rank) {
        getContext().watch(p.exchanges().get(j));
      }
    }
    List<Contribute> waiting = new ArrayList<>(stash);
    stash.clear();
    waiting.forEach(this::onContribute);
    return this;
  }

  private Behavior<Command> onContribute(Contribute c) {
    if (failure != null) {
      c.done().completeExceptionally(new IllegalStateException(failure));
      return this;
    }
    if (peers == null && size > 1) {
      stash.add(c);
      return this;
    }
    for (int j = 0; j < size; j++) {
      if (j == rank) {
        continue;
      }
      Slice s = c.floats() != null ? new Slice(c.tag(), rank, c.floats()[j], null)
          : new Slice(c.tag(), rank, null, c.scalars());
      send(j, s);
    }
    Pending p = pending.computeIfAbsent(c.tag(), t -> new Pending(size));
    p.done = c.done();
    p.scalars = c.floats() == null;
    p.parts[rank] = c.floats() != null ? c.floats()[rank] : c.scalars();
    p.arrived++;
    completeIfDone(c.tag(), p);
    return this;
  }

  private Behavior<Command> onAssembled(Assembled a) {
    java.nio.ByteBuffer payload = a.payload().payload();
    if (ShardCodec.isItem(payload)) {
      return onItem(new Item(ShardCodec.decodeItem(payload, serialization())));
    }
    return onSlice(ShardCodec.decode(payload));
  }

  private org.apache.pekko.serialization.Serialization serialization() {
    return org.apache.pekko.serialization.SerializationExtension.get(
        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(getContext().getSystem()));
  }

  private Behavior<Command> onAttach(Attach a) {
    attached = a.shard();
    List<Item> items = new ArrayList<>(itemStash);
    itemStash.clear();
    items.forEach(this::onItem);
    return this;
  }

  private Behavior<Command> onItem(Item i) {
    if (attached == null) {
      itemStash.add(i);
    } else {
      attached.tell(i.item());
    }
    return this;
  }

  /**
   * Sends a round item to every other rank: as one {@link Item} message when its serialized
   * form fits {@link #maxMessageBytes}, else through the chunked transfer.
   */
  private Behavior<Command> onSendItem(SendItem s) {
    if (peers == null && size > 1) {
      sendStash.add(s);
      return this;
    }
    Item item = new Item(s.item());
    java.nio.ByteBuffer encoded = ShardCodec.encodeItem(item.item(), serialization());
    for (int j = 0; j < size; j++) {
      if (j == rank) {
        continue;
      }
      if (encoded.remaining() <= maxMessageBytes) {
        peers.exchanges().get(j).tell(item);
      } else {
        long id = ((long) rank << 40) | ++transfers;
        getContext().spawn(ChunkSender.create(transfer, id, s.item().round(), encoded,
            peers.receivers().get(j), sentAdapter), "item-" + s.item().round() + "-"
            + s.item().index() + "-to-" + j + "-" + id);
      }
    }
    return this;
  }

  private void send(int j, Slice s) {
    if (ShardCodec.bytes(s.floats(), s.scalars()) <= maxMessageBytes) {
      peers.exchanges().get(j).tell(s);
      return;
    }
    long id = ((long) rank << 40) | ++transfers;
    getContext().spawn(ChunkSender.create(transfer, id, s.tag(), ShardCodec.encode(s),
        peers.receivers().get(j), sentAdapter), "slice-" + s.tag() + "-to-" + j + "-" + id);
  }

  private Behavior<Command> onSlice(Slice s) {
    if (s.from() < 0 || s.from() >= size || s.from() == rank) {
      getContext().getLog().warn("Dropped a learner shard slice from rank {}", s.from());
      return this;
    }
    Pending p = pending.computeIfAbsent(s.tag(), t -> new Pending(size));
    if (p.parts[s.from()] != null) {
      getContext().getLog().warn("Dropped a duplicate slice of tag {} from rank {}", s.tag(),
          s.from());
      return this;
    }
    p.parts[s.from()] = s.floats() != null ? s.floats() : s.scalars();
    p.arrived++;
    completeIfDone(s.tag(), p);
    return this;
  }

  private void completeIfDone(long tag, Pending p) {
    if (p.done == null || p.arrived < size) {
      return;
    }
    pending.remove(tag);
    if (p.scalars) {
      double[][] out = new double[size][];
      for (int j = 0; j < size; j++) {
        out[j] = (double[]) p.parts[j];
      }
      p.done.complete(out);
    } else {
      float[][] out = new float[size][];
      for (int j = 0; j < size; j++) {
        out[j] = (float[]) p.parts[j];
      }
      p.done.complete(out);
    }
  }

  private Behavior<Command> onSent(Sent s) {
    if (s.result() instanceof ChunkSender.Failed f) {
      fail("learner shard " + rank + ": a slice (tag " + f.version()
          + ") did not reach its peer: " + f.reason());
    }
    return this;
  }

  /** A peer's exchange stopped or its node left: no step of this group can complete. */
  private Behavior<Command> onPeerTerminated(Terminated t) {
    if (failure == null) {
      fail("learner shard " + rank + ": peer " + t.getRef().path() + " terminated");
    }
    return this;
  }

  /** Fails every pending and every later contribution (the group cannot make progress). */
  private void fail(String why) {
    failure = why;
    getContext().getLog().error(failure);
    for (Pending p : pending.values()) {
      if (p.done != null) {
        p.done.completeExceptionally(new IllegalStateException(failure));
      }
    }
    pending.clear();
  }
}
