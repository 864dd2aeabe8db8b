package dev.beaver.rollout.shard;

import dev.beaver.actors.serialization.KryoRegistrar;

/**
 * The learner group's cluster messages, ids 300–349 (the learner's range of {@link
 * KryoRegistrar}'s table; the learner module itself has no Pekko, so its group lives here;
 * 350–399 stay free for a learner-module registrar). Append only: never renumber or reuse an id.
 * Large slices do not appear here: they travel through the chunked transfer ({@link
 * ShardCodec}).
 */
public final class ShardKryoRegistrar implements KryoRegistrar {

  @Override
  public int firstId() {
    return 300;
  }

  @Override
  public int lastId() {
    return 349;
  }

  @Override
  public void register(Registrations r) {
    r.message(300, ShardExchange.Peers.class);
    r.message(301, ShardExchange.Slice.class);
    r.message(302, LearnerShard.RoundItem.class);
    r.message(303, LearnerShard.Barrier.class);
    r.message(304, LearnerShard.BarrierReached.class);
    r.message(305, ShardExchange.Item.class);
  }
}
