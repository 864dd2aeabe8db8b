package dev.beaver.learner.shard;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Collective} between members in one JVM (threads): contributions meet in a shared
 * table. For tests and for a single-node group; no copies are made, so parts must not be
 * modified after they are handed over.
 */
public final class LocalCollective {
  private final int size;
  private final Map<Long, Slot> slots = new HashMap<>();

  private static final class Slot {
    final Object[] parts;
    final CompletableFuture<Object[]> done = new CompletableFuture<>();
    int arrived;

    Slot(int size) {
      parts = new Object[size];
    }
  }

  public LocalCollective(int size) {
    this.size = size;
  }

  /** The member of rank {@code rank}. */
  public Collective member(int rank) {
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
        return contribute(tag * 2, rank, parts).thenApply(all -> {
          float[][] out = new float[size][];
          for (int j = 0; j < size; j++) {
            out[j] = ((float[][]) all[j])[rank];
          }
          return out;
        });
      }

      @Override
      public CompletableFuture<double[][]> allGather(long tag, double[] values) {
        return contribute(tag * 2 + 1, rank, values).thenApply(all -> {
          double[][] out = new double[size][];
          for (int j = 0; j < size; j++) {
            out[j] = (double[]) all[j];
          }
          return out;
        });
      }
    };
  }

  private synchronized CompletableFuture<Object[]> contribute(long key, int rank, Object part) {
    Slot s = slots.computeIfAbsent(key, k -> new Slot(size));
    if (s.parts[rank] != null) {
      throw new IllegalStateException("rank " + rank + " contributed twice to tag " + key / 2);
    }
    s.parts[rank] = part;
    if (++s.arrived == size) {
      slots.remove(key);
      s.done.complete(s.parts);
    }
    return s.done;
  }
}
