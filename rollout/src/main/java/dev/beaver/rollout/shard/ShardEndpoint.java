package dev.beaver.rollout.shard;

import dev.beaver.actors.transfer.ChunkReceiver;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.actors.transfer.TransferSettings;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * One shard's transport on its node: the {@link ShardExchange}, the forwarder and the chunk
 * receiver, all top-level (the receiver must be, to use Artery's large-message lane).
 */
public record ShardEndpoint(int rank, ActorRef<ShardExchange.Command> exchange,
    ActorRef<ChunkReceiver.Command> receiver) {

  /** Spawns top-level actors: {@code testKit::spawn}, or {@code BeaverNode.spawnAndWait}. */
  public interface Spawner {
    <T> ActorRef<T> spawn(Behavior<T> behavior, String name);
  }

  /** Starts rank {@code rank}'s endpoint of a group of {@code size}. */
  public static ShardEndpoint start(Spawner spawner, int rank, int size,
      TransferSettings transfer) {
    return start(spawner, rank, size, transfer, ShardExchange.DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** As above, sending parts larger than {@code maxMessageBytes} through the chunked transfer. */
  public static ShardEndpoint start(Spawner spawner, int rank, int size,
      TransferSettings transfer, int maxMessageBytes) {
    return start(spawner, rank, size, transfer, maxMessageBytes, "");
  }

  /**
   * As above, the actors' names ending in {@code nameSuffix} (a job's endpoints on a node that
   * runs one job after another). The receiver's name starts with {@code chunks-}: spawn it where
   * {@code pekko.remote.artery.large-message-destinations} covers it.
   */
  public static ShardEndpoint start(Spawner spawner, int rank, int size,
      TransferSettings transfer, int maxMessageBytes, String nameSuffix) {
    ActorRef<ShardExchange.Command> exchange = spawner.spawn(ShardExchange.create(rank, size,
        transfer, maxMessageBytes), "learner-shard-exchange-" + rank + nameSuffix);
    ActorRef<ChunkedPayload.Assembled> forward = spawner.spawn(ShardExchange.forwarder(exchange),
        "learner-shard-forward-" + rank + nameSuffix);
    ActorRef<ChunkReceiver.Command> receiver = spawner.spawn(
        ShardExchange.receiver(transfer, forward), ShardExchange.receiverName(rank) + nameSuffix);
    return new ShardEndpoint(rank, exchange, receiver);
  }

  /** The {@link ShardExchange.Peers} message of a group, endpoints in rank order. */
  public static ShardExchange.Peers peers(List<ShardEndpoint> endpoints) {
    return new ShardExchange.Peers(endpoints.stream().map(ShardEndpoint::exchange).toList(),
        endpoints.stream().map(e -> e.receiver().<ChunkedPayload.Inbound>narrow()).toList());
  }
}
