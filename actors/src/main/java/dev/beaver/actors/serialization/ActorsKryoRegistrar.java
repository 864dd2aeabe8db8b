package dev.beaver.actors.serialization;

import dev.beaver.actors.Role;
import dev.beaver.actors.monitor.NodeSnapshot;
import dev.beaver.actors.transfer.Broadcast;
import dev.beaver.actors.transfer.ChunkSender;
import dev.beaver.actors.transfer.ChunkedPayload;

/**
 * The cluster messages of the actors module, ids 100–199. Append only: never renumber or reuse an
 * id (it is the wire format).
 */
public final class ActorsKryoRegistrar implements KryoRegistrar {

  @Override
  public int firstId() {
    return 100;
  }

  @Override
  public int lastId() {
    return 199;
  }

  @Override
  public void register(Registrations r) {
    // Shared types.
    r.type(100, Role.class);
    // Chunked transfer (dev.beaver.actors.transfer).
    r.message(110, ChunkedPayload.Offer.class);
    r.message(111, ChunkedPayload.Chunk.class);
    r.message(112, ChunkedPayload.Progress.class);
    r.message(113, ChunkedPayload.Completed.class);
    r.message(114, ChunkedPayload.Refused.class);
    r.type(115, ChunkedPayload.RefusalReason.class);
    r.message(116, ChunkSender.Delivered.class);
    r.message(117, ChunkSender.Failed.class);
    // Relayed broadcast (dev.beaver.actors.transfer.Broadcast).
    r.message(118, Broadcast.RelayOffer.class);
    r.message(119, Broadcast.HopDone.class);
    r.message(120, Broadcast.HopFailed.class);
    r.message(121, Broadcast.Delivered.class);
    r.message(122, Broadcast.Failed.class);
    // Monitoring (dev.beaver.actors.monitor), ids 150-179.
    r.message(150, NodeSnapshot.class);
    r.type(151, NodeSnapshot.ActorStats.class);
    r.type(152, NodeSnapshot.TrainingStep.class);
    r.type(153, NodeSnapshot.Sample.class);
  }
}
