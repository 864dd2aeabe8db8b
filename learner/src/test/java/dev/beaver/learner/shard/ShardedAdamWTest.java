package dev.beaver.learner.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.beaver.learner.optim.AdamW;
import dev.beaver.learner.optim.Autograd;
import dev.beaver.learner.optim.GradClip;
import dev.beaver.learner.optim.Param;
import dev.beaver.models.nn.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sharded AdamW step on K ranges equals {@link AdamW} (after {@link GradClip}) on the whole
 * model, for every K: same decay groups, bias corrections and clipping. Given identical
 * gradients the float32 operations are the same, so the result is compared bit for bit.
 */
class ShardedAdamWTest {
  static final long[][] SHAPES = {{5, 3}, {3}, {4, 2}, {7}, {2, 2, 2}};
  static final String[] NAMES = {"layers.0.mlp.up_proj.weight", "layers.0.mlp.up_proj.bias",
    "layers.0.self_attn.q_proj.weight", "layers.0.input_layernorm.weight", "lm_head.weight"};

  static List<Param> params(NDManager m, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Param> out = new ArrayList<>();
    for (int i = 0; i < SHAPES.length; i++) {
      Shape shape = new Shape(SHAPES[i]);
      float[] v = new float[(int) shape.size()];
      for (int e = 0; e < v.length; e++) {
        v[e] = (float) r.nextGaussian();
      }
      out.add(new Param(NAMES[i], m.create(v, shape), Param.decayFor(NAMES[i], 0.1)));
    }
    return out;
  }

  /** Flat gradients, step t: large enough at t = 1 that clipping at 1.0 kicks in. */
  static float[] grads(long total, int t) {
    SplittableRandom r = new SplittableRandom(100 + t);
    float[] g = new float[(int) total];
    for (int e = 0; e < g.length; e++) {
      g[e] = (float) (r.nextGaussian() * (t == 1 ? 3 : 0.05));
    }
    return g;
  }

  /** Sets every parameter's gradient to its part of {@code flat}: loss = Σ w·g. */
  static void setGradients(NDManager m, List<Param> params, FlatPartition p, float[] flat) {
    Autograd.backward(() -> {
      NDArray loss = null;
      for (int i = 0; i < params.size(); i++) {
        int off = (int) p.paramOffset(i);
        NDArray g = m.create(java.util.Arrays.copyOfRange(flat, off, off + p.paramSize(i)),
            params.get(i).value().getShape());
        NDArray term = params.get(i).value().mul(g).sum();
        loss = loss == null ? term : loss.add(term);
      }
      return loss;
    }, 1.0);
  }

  static float[] flatValues(List<Param> params) {
    FlatPartition p = new FlatPartition(FlatParams.sizes(params), 1);
    return FlatParams.values(p, params, 0, (int) p.total());
  }

  /** libtorch's grad mode is per thread and on by default except on the engine's first thread. */
  @org.junit.jupiter.api.BeforeEach
  void noGrad() {
    try (NDManager m = NDManager.newBaseManager()) {
      ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    }
  }

  @Test
  void shouldEqualAdamWOnTheWholeVectorForEveryK() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<Param> full = params(m, 1);
      FlatPartition one = new FlatPartition(FlatParams.sizes(full), 1);
      float[] expected;
      Map<String, HostTensor> expectedState;
      try (AdamW opt = AdamW.withSafeRlhfDefaults(m, full)) {
        for (int t = 1; t <= 3; t++) {
          setGradients(m, full, one, grads(one.total(), t));
          GradClip.clipGlobalNorm(full, 1.0);
          opt.step(1e-2 * t);
        }
        expected = flatValues(full);
        expectedState = opt.state();
      }
      for (int k = 1; k <= 4; k++) {
        List<Param> ps = params(m, 1);
        FlatPartition p = new FlatPartition(FlatParams.sizes(ps), k);
        float[] values = flatValues(ps);
        List<ShardedAdamW> shards = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          shards.add(ShardedAdamW.withSafeRlhfDefaults(m, p, ps, j));
        }
        for (int t = 1; t <= 3; t++) {
          float[] g = grads(p.total(), t);
          double sumSq = 0;
          for (float x : g) {
            sumSq += (double) x * x;
          }
          double norm = Math.sqrt(sumSq);
          double coef = Math.min(1, 1.0 / (norm + 1e-6));
          for (int j = 0; j < k; j++) {
            float[] range = java.util.Arrays.copyOfRange(values, p.lo(j), p.hi(j));
            shards.get(j).step(1e-2 * t, java.util.Arrays.copyOfRange(g, p.lo(j), p.hi(j)),
                coef, range);
            System.arraycopy(range, 0, values, p.lo(j), range.length);
          }
        }
        // GradClip sums per-parameter float32 squares; here a double sum: the clip factors may
        // differ in the last bits, hence 1e-6 rather than exact equality.
        for (int e = 0; e < values.length; e++) {
          assertEquals(expected[e], values[e], 1e-6 * Math.max(1, Math.abs(expected[e])),
              "K=" + k + " element " + e);
        }
        float[][][] byRank = new float[k][][];
        for (int j = 0; j < k; j++) {
          byRank[j] = shards.get(j).moments();
        }
        Map<String, HostTensor> state = shards.get(0).fullState(byRank);
        assertEquals(expectedState.keySet(), state.keySet());
        for (String key : expectedState.keySet()) {
          float[] a = expectedState.get(key).data();
          float[] b = state.get(key).data();
          for (int e = 0; e < a.length; e++) {
            assertEquals(a[e], b[e], 1e-6 * Math.max(1, Math.abs(a[e])), key + " " + e);
          }
          assertArrayEquals(expectedState.get(key).shape(), state.get(key).shape());
        }
        // A restored shard continues from the same moments.
        ShardedAdamW restored = ShardedAdamW.withSafeRlhfDefaults(m, p, ps, k - 1);
        restored.load(state);
        assertEquals(3, restored.stepCount());
        assertArrayEquals(byRank[k - 1][0], restored.moments()[0]);
        shards.forEach(ShardedAdamW::close);
        restored.close();
      }
    }
  }

  @Test
  void shouldBeBitIdenticalToAdamWWithoutClipping() {
    try (NDManager m = NDManager.newBaseManager()) {
      List<Param> full = params(m, 2);
      FlatPartition one = new FlatPartition(FlatParams.sizes(full), 1);
      float[] g = grads(one.total(), 2);
      try (AdamW opt = AdamW.withSafeRlhfDefaults(m, full)) {
        setGradients(m, full, one, g);
        opt.step(3e-3);
      }
      List<Param> ps = params(m, 2);
      FlatPartition p = new FlatPartition(FlatParams.sizes(ps), 3);
      float[] values = flatValues(ps);
      for (int j = 0; j < 3; j++) {
        try (ShardedAdamW s = ShardedAdamW.withSafeRlhfDefaults(m, p, ps, j)) {
          float[] range = java.util.Arrays.copyOfRange(values, p.lo(j), p.hi(j));
          s.step(3e-3, java.util.Arrays.copyOfRange(g, p.lo(j), p.hi(j)), 1, range);
          System.arraycopy(range, 0, values, p.lo(j), range.length);
        }
      }
      assertArrayEquals(flatValues(full), values);
    }
  }
}
