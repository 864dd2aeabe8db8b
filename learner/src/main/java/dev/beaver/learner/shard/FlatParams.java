package dev.beaver.learner.shard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.beaver.learner.optim.Param;
import java.util.List;

/** Host-side flattening of parameters and their gradients ({@link FlatPartition}'s layout). */
public final class FlatParams {
  private FlatParams() {}

  /** Element counts of the parameters, in order. */
  public static long[] sizes(List<Param> params) {
    long[] out = new long[params.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = params.get(i).value().size();
    }
    return out;
  }

  /**
   * All gradients as one flat vector. A parameter that never took part in a backward pass (no
   * gradient yet) contributes zeros.
   */
  public static float[] gradients(FlatPartition p, List<Param> params) {
    float[] out = new float[(int) p.total()];
    try (NDScope scope = new NDScope()) {
      for (int i = 0; i < params.size(); i++) {
        float[] g = gradientOrNull(params.get(i).value());
        if (g != null) {
          System.arraycopy(g, 0, out, (int) p.paramOffset(i), g.length);
        }
      }
    }
    return out;
  }

  /** The values of the flat range {@code [lo, hi)} (only the parameters it touches are read). */
  public static float[] values(FlatPartition p, List<Param> params, int lo, int hi) {
    float[] out = new float[hi - lo];
    for (FlatPartition.Segment s : p.segments(lo, hi)) {
      float[] v = params.get(s.param()).value().toFloatArray();
      System.arraycopy(v, s.paramOffset(), out, (int) (s.flatOffset() - lo), s.length());
    }
    return out;
  }

  /** Writes a complete flat vector back into the parameters (in place). */
  public static void write(FlatPartition p, List<Param> params, float[] flat) {
    for (int i = 0; i < params.size(); i++) {
      int off = (int) p.paramOffset(i);
      params.get(i).value().set(java.util.Arrays.copyOfRange(flat, off, off + p.paramSize(i)));
    }
  }

  /** Zeroes every gradient in place (as {@code AdamW.step} does after an update). */
  public static void zeroGradients(List<Param> params) {
    try (NDScope scope = new NDScope()) {
      for (Param p : params) {
        NDArray g = gradient(p.value());
        if (g != null) {
          g.subi(g);
        }
      }
    }
  }

  private static float[] gradientOrNull(NDArray value) {
    NDArray g = gradient(value);
    return g == null ? null : g.toFloatArray();
  }

  private static NDArray gradient(NDArray value) {
    try {
      return value.getGradient();
    } catch (RuntimeException e) {
      return null; // no backward pass has reached this parameter yet
    }
  }
}
