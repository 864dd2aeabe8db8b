package dev.beaver.learner.shard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.beaver.learner.optim.AdamW;
import dev.beaver.learner.optim.Param;
import dev.beaver.models.nn.HostTensor;
import java.util.List;
import java.util.Map;

/**
 * {@link AdamW} restricted to one rank's range of a model's flat parameter vector ({@link
 * FlatPartition}): it owns the moments of that range only (1/K of the model), and applies, piece
 * by piece, exactly {@link AdamW#step}'s float32 operations in the same order (decoupled weight
 * decay per parameter group, the two moment updates, bias corrections, the step). Given the same
 * (reduced) gradients it therefore computes the same bits as {@link AdamW} on the full model.
 */
public final class ShardedAdamW implements AutoCloseable {
  private final FlatPartition partition;
  private final List<Param> params;
  private final int rank;
  private final int lo;
  private final List<FlatPartition.Segment> segments;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final NDManager manager;
  private final NDArray[] m;
  private final NDArray[] v;
  private long step;

  public ShardedAdamW(NDManager parent, FlatPartition partition, List<Param> params, int rank,
      double beta1, double beta2, double eps) {
    this.partition = partition;
    this.params = List.copyOf(params);
    this.rank = rank;
    this.lo = partition.lo(rank);
    this.segments = partition.segments(rank);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.manager = parent.newSubManager();
    this.m = new NDArray[segments.size()];
    this.v = new NDArray[segments.size()];
    for (int i = 0; i < segments.size(); i++) {
      m[i] = manager.zeros(new ai.djl.ndarray.types.Shape(segments.get(i).length()));
      v[i] = manager.zeros(new ai.djl.ndarray.types.Shape(segments.get(i).length()));
    }
  }

  /** safe-rlhf's defaults, as {@link AdamW#withSafeRlhfDefaults}. */
  public static ShardedAdamW withSafeRlhfDefaults(NDManager parent, FlatPartition partition,
      List<Param> params, int rank) {
    return new ShardedAdamW(parent, partition, params, rank, 0.9, 0.95, 1e-8);
  }

  public FlatPartition partition() {
    return partition;
  }

  public int rank() {
    return rank;
  }

  public long stepCount() {
    return step;
  }

  /**
   * One update of this rank's range.
   *
   * @param lr learning rate
   * @param grads the range's summed gradients, {@code partition.length(rank)} elements (read only)
   * @param clipCoef global-norm clipping factor applied to the gradients first (1: none), as
   *     {@code GradClip} applies it
   * @param values the range's current parameter values; updated in place
   */
  public void step(double lr, float[] grads, double clipCoef, float[] values) {
    step++;
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < segments.size(); i++) {
        FlatPartition.Segment s = segments.get(i);
        int off = (int) (s.flatOffset() - lo);
        NDArray w = manager.create(java.util.Arrays.copyOfRange(values, off, off + s.length()));
        NDArray g = manager.create(java.util.Arrays.copyOfRange(grads, off, off + s.length()));
        if (clipCoef < 1) {
          g.muli(clipCoef);
        }
        double wd = params.get(s.param()).weightDecay();
        if (wd != 0) {
          w.muli(1 - lr * wd);
        }
        m[i].muli(beta1).addi(g.mul(1 - beta1));
        v[i].muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray denom = v[i].div(bc2).sqrt().addi(eps);
        w.subi(m[i].div(denom).muli(lr / bc1));
        System.arraycopy(w.toFloatArray(), 0, values, off, s.length());
        w.close();
        g.close();
      }
    }
  }

  /**
   * This range's moments, flat: {@code [exp_avg, exp_avg_sq]}, each {@code
   * partition.length(rank)} elements.
   */
  public float[][] moments() {
    int n = partition.length(rank);
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < segments.size(); i++) {
      int off = (int) (segments.get(i).flatOffset() - lo);
      System.arraycopy(m[i].toFloatArray(), 0, a, off, segments.get(i).length());
      System.arraycopy(v[i].toFloatArray(), 0, b, off, segments.get(i).length());
    }
    return new float[][] {a, b};
  }

  /**
   * Restores this range from a full {@link AdamW#state()} (the format of checkpoints, the same
   * for every K).
   */
  public void load(Map<String, HostTensor> full) {
    for (int i = 0; i < segments.size(); i++) {
      FlatPartition.Segment s = segments.get(i);
      String name = params.get(s.param()).name();
      float[] a = full.get("exp_avg." + name).data();
      float[] b = full.get("exp_avg_sq." + name).data();
      m[i].set(java.util.Arrays.copyOfRange(a, s.paramOffset(), s.paramOffset() + s.length()));
      v[i].set(java.util.Arrays.copyOfRange(b, s.paramOffset(), s.paramOffset() + s.length()));
    }
    step = (long) full.get("step").data()[0];
  }

  /**
   * A full {@link AdamW#state()} assembled from every rank's {@link #moments()} (index = rank),
   * with this optimizer's step count.
   */
  public Map<String, HostTensor> fullState(float[][][] momentsByRank) {
    int n = (int) partition.total();
    float[] a = new float[n];
    float[] b = new float[n];
    for (int j = 0; j < partition.shards(); j++) {
      System.arraycopy(momentsByRank[j][0], 0, a, partition.lo(j), partition.length(j));
      System.arraycopy(momentsByRank[j][1], 0, b, partition.lo(j), partition.length(j));
    }
    Map<String, HostTensor> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      long[] shape = params.get(i).value().getShape().getShape();
      int off = (int) partition.paramOffset(i);
      int len = partition.paramSize(i);
      out.put("exp_avg." + params.get(i).name(),
          new HostTensor(java.util.Arrays.copyOfRange(a, off, off + len), shape));
      out.put("exp_avg_sq." + params.get(i).name(),
          new HostTensor(java.util.Arrays.copyOfRange(b, off, off + len), shape));
    }
    out.put("step", new HostTensor(new float[] {step}, new long[] {1}));
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
