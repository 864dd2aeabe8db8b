package dev.beaver.learner.shard;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.optim.Param;
import dev.beaver.models.nn.HostTensor;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link GroupMember} over a {@link Collective}: ZeRO-1 style sharded optimizer state. Per
 * model, with the flat parameter vector cut into K ranges ({@link FlatPartition}):
 *
 * <ol>
 *   <li>reduce-scatter: every shard sends each peer its gradients of the peer's range; the owner
 *       sums the K contributions in rank order (deterministic, whatever the arrival order);
 *   <li>all-gather of the owners' squared norms (and λ, checked equal): every shard computes the
 *       same global norm (summed in rank order), runs the divergence check and the clip factor;
 *   <li>local {@link ShardedAdamW} step on the owned range (moments of 1/K of the model);
 *   <li>all-gather of the updated ranges, written back into the parameters; gradients zeroed.
 * </ol>
 *
 * <p>The three models' exchanges are pipelined: all reduce-scatters are issued before the first
 * is awaited, and a model's update runs while the other models' transfers are in flight.
 */
public final class ShardedStep implements GroupMember {
  private final Collective net;
  private final NDManager manager;
  private final Duration timeout;
  private final Map<String, ShardedAdamW> optimizers = new HashMap<>();
  private long tag;

  /**
   * @param timeout how long one exchange may wait for the peers before the step fails
   */
  public ShardedStep(Collective net, Duration timeout) {
    this.net = net;
    this.timeout = timeout;
    this.manager = NDManager.newBaseManager();
  }

  @Override
  public int rank() {
    return net.rank();
  }

  @Override
  public int size() {
    return net.size();
  }

  private ShardedAdamW optimizer(ModelStep m) {
    return optimizers.computeIfAbsent(m.name(), k -> ShardedAdamW.withSafeRlhfDefaults(manager,
        new FlatPartition(FlatParams.sizes(m.params()), net.size()), m.params(), net.rank()));
  }

  @Override
  public void optimizerStep(List<ModelStep> models, double maxGradNorm, double lambda,
      NormCheck check) {
    int k = net.size();
    int me = net.rank();
    int n = models.size();
    ShardedAdamW[] opt = new ShardedAdamW[n];
    List<CompletableFuture<float[][]>> scatter = new java.util.ArrayList<>();
    // 1. Reduce-scatter, all models issued before any is awaited.
    for (int i = 0; i < n; i++) {
      opt[i] = optimizer(models.get(i));
      FlatPartition p = opt[i].partition();
      float[] g = FlatParams.gradients(p, models.get(i).params());
      float[][] parts = new float[k][];
      for (int j = 0; j < k; j++) {
        parts[j] = java.util.Arrays.copyOfRange(g, p.lo(j), p.hi(j));
      }
      scatter.add(net.allToAll(tag++, parts));
    }
    // 2. Sum the owned range in rank order; all-gather the squared norms (and λ).
    float[][] reduced = new float[n][];
    List<CompletableFuture<double[][]>> norms = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[][] got = await(scatter.get(i), models.get(i).name() + " reduce-scatter");
      float[] acc = got[0].clone();
      for (int j = 1; j < k; j++) {
        float[] x = got[j];
        for (int e = 0; e < acc.length; e++) {
          acc[e] += x[e];
        }
      }
      double sumSq = 0;
      for (float x : acc) {
        sumSq += (double) x * x;
      }
      reduced[i] = acc;
      norms.add(net.allGather(tag++, new double[] {sumSq, lambda}));
    }
    // 3. Check, clip, update the owned range; 4. all-gather the parameters.
    List<CompletableFuture<float[][]>> gather = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      ModelStep m = models.get(i);
      double[][] all = await(norms.get(i), m.name() + " norm all-gather");
      double sumSq = 0;
      for (int j = 0; j < k; j++) {
        sumSq += all[j][0];
        if (Double.doubleToLongBits(all[j][1]) != Double.doubleToLongBits(lambda)) {
          throw new IllegalStateException("learner shards disagree on λ: rank " + j + " has "
              + all[j][1] + ", rank " + me + " has " + lambda);
        }
      }
      double norm = Math.sqrt(sumSq);
      check.check(m.name(), norm);
      double coef = 1;
      if (maxGradNorm > 0 && Double.isFinite(norm)) {
        coef = Math.min(1, maxGradNorm / (norm + 1e-6));
      }
      FlatPartition p = opt[i].partition();
      float[] values = FlatParams.values(p, m.params(), p.lo(me), p.hi(me));
      opt[i].step(m.lr(), reduced[i], coef, values);
      float[][] parts = new float[k][];
      java.util.Arrays.fill(parts, values);
      gather.add(net.allToAll(tag++, parts));
    }
    for (int i = 0; i < n; i++) {
      ModelStep m = models.get(i);
      float[][] got = await(gather.get(i), m.name() + " all-gather");
      FlatPartition p = opt[i].partition();
      float[] flat = new float[(int) p.total()];
      for (int j = 0; j < k; j++) {
        System.arraycopy(got[j], 0, flat, p.lo(j), p.length(j));
      }
      FlatParams.write(p, m.params(), flat);
      FlatParams.zeroGradients(m.params());
    }
  }

  @Override
  public Map<String, Map<String, HostTensor>> gatherOptimizerState(List<ModelStep> models) {
    Map<String, Map<String, HostTensor>> out = new LinkedHashMap<>();
    for (ModelStep m : models) {
      ShardedAdamW o = optimizer(m);
      float[][] mine = o.moments();
      float[][] parts = new float[net.size()][];
      // Only the leader needs them; the others get empty arrays (no traffic to speak of).
      for (int j = 0; j < parts.length; j++) {
        parts[j] = j == 0 ? interleave(mine) : new float[0];
      }
      float[][] got = await(net.allToAll(tag++, parts), m.name() + " optimizer gather");
      if (net.rank() == 0) {
        float[][][] byRank = new float[net.size()][][];
        for (int j = 0; j < byRank.length; j++) {
          byRank[j] = deinterleave(got[j]);
        }
        out.put(m.name(), o.fullState(byRank));
      }
    }
    return out;
  }

  private static float[] interleave(float[][] ab) {
    float[] out = new float[ab[0].length * 2];
    System.arraycopy(ab[0], 0, out, 0, ab[0].length);
    System.arraycopy(ab[1], 0, out, ab[0].length, ab[1].length);
    return out;
  }

  private static float[][] deinterleave(float[] x) {
    int n = x.length / 2;
    return new float[][] {java.util.Arrays.copyOfRange(x, 0, n),
      java.util.Arrays.copyOfRange(x, n, 2 * n)};
  }

  @Override
  public void loadOptimizerState(String model, List<Param> params, Map<String, HostTensor> full) {
    optimizer(new ModelStep(model, params, 0)).load(full);
  }

  private <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("learner shard " + net.rank() + "/" + net.size() + ": "
          + what + " got no answer from its peers within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("learner shard " + net.rank() + "/" + net.size() + ": "
          + what + " failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    optimizers.values().forEach(ShardedAdamW::close);
    manager.close();
  }
}
