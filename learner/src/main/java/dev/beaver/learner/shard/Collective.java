package dev.beaver.learner.shard;

import java.util.concurrent.CompletableFuture;

/**
 * The two collective operations a learner group needs, between the K members of a group (ranks
 * 0..K−1). Every member issues the same operations in the same order with the same tags; an
 * operation completes when every other member's contribution for its tag has arrived. Calls
 * return at once (sending is asynchronous), so a caller overlaps its own computation with the
 * transfer and waits only when it needs the result.
 *
 * <p>Implementations: {@link LocalCollective} (members in one JVM, for tests) and, over the
 * cluster, {@code dev.beaver.rollout.shard.ShardExchange} (small slices as Kryo messages, large
 * ones through the chunked transfer).
 */
public interface Collective {
  /** This member's rank. */
  int rank();

  /** K. */
  int size();

  /**
   * All-to-all: sends {@code parts[j]} to rank {@code j} (own entry kept, not sent; arrays are
   * read-only from now on) and completes with what every rank sent to this one (index = sender;
   * own index = {@code parts[rank]}). Reduce-scatter and all-gather are both made of it.
   */
  CompletableFuture<float[][]> allToAll(long tag, float[][] parts);

  /** All-gather of a small vector: completes with every rank's {@code values} (index = rank). */
  CompletableFuture<double[][]> allGather(long tag, double[] values);
}
