package dev.beaver.learner.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.beaver.learner.optim.AdamW;
import dev.beaver.learner.optim.GradClip;
import dev.beaver.learner.optim.Param;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * K members of a {@link LocalCollective} on K threads, each with its own copy of the parameters
 * and part of the gradient (the parts sum to the whole): after {@link ShardedStep#optimizerStep}
 * every copy equals the single AdamW step on the summed gradient (clipped by the global norm).
 */
class ShardedStepTest {

  @org.junit.jupiter.api.BeforeEach
  void noGrad() {
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
    }
  }

  @Test
  void shouldGiveEveryShardTheSingleLearnerParameters() throws Exception {
    int steps = 3;
    float[] expected;
    try (NDManager m = NDManager.newBaseManager()) {
      List<Param> full = ShardedAdamWTest.params(m, 5);
      FlatPartition one = new FlatPartition(FlatParams.sizes(full), 1);
      try (AdamW opt = AdamW.withSafeRlhfDefaults(m, full)) {
        for (int t = 1; t <= steps; t++) {
          ShardedAdamWTest.setGradients(m, full, one, ShardedAdamWTest.grads(one.total(), t));
          GradClip.clipGlobalNorm(full, 1.0);
          opt.step(1e-2);
        }
      }
      expected = ShardedAdamWTest.flatValues(full);
    }
    for (int k : new int[] {1, 2, 3}) {
      LocalCollective net = new LocalCollective(k);
      ExecutorService pool = Executors.newFixedThreadPool(k);
      try {
        List<Future<float[]>> results = new ArrayList<>();
        for (int r = 0; r < k; r++) {
          int rank = r;
          int kk = k;
          results.add(pool.submit(() -> {
            try (NDManager m = NDManager.newBaseManager();
                ShardedStep member = new ShardedStep(net.member(rank), Duration.ofSeconds(30))) {
              JniUtils.setGradMode(false); // the engine is loaded now
              List<Param> ps = ShardedAdamWTest.params(m, 5);
              ps.forEach(p -> p.value().setRequiresGradient(true));
              FlatPartition one = new FlatPartition(FlatParams.sizes(ps), 1);
              for (int t = 1; t <= steps; t++) {
                float[] g = ShardedAdamWTest.grads(one.total(), t);
                // This rank's part: a deterministic split whose parts sum to g exactly.
                float[] mine = new float[g.length];
                for (int e = 0; e < g.length; e++) {
                  mine[e] = e % kk == rank ? g[e] : 0f;
                }
                ShardedAdamWTest.setGradients(m, ps, one, mine);
                member.optimizerStep(List.of(new GroupMember.ModelStep("actor", ps, 1e-2)),
                    1.0, 0.25, (name, norm) -> assertTrue(Double.isFinite(norm)));
              }
              return ShardedAdamWTest.flatValues(ps);
            }
          }));
        }
        for (Future<float[]> f : results) {
          float[] got = f.get();
          for (int e = 0; e < got.length; e++) {
            assertEquals(expected[e], got[e], 1e-6 * Math.max(1, Math.abs(expected[e])),
                "K=" + k + " element " + e);
          }
        }
        // Every shard holds the same bits.
        for (Future<float[]> f : results) {
          assertArrayEquals(results.get(0).get(), f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void shouldRefuseShardsThatDisagreeOnLambda() throws Exception {
    LocalCollective net = new LocalCollective(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int rank = r;
        results.add(pool.submit(() -> {
          try (NDManager m = NDManager.newBaseManager();
              ShardedStep member = new ShardedStep(net.member(rank), Duration.ofSeconds(30))) {
            JniUtils.setGradMode(false); // the engine is loaded now
            List<Param> ps = ShardedAdamWTest.params(m, 5);
            ps.forEach(p -> p.value().setRequiresGradient(true));
            member.optimizerStep(List.of(new GroupMember.ModelStep("actor", ps, 1e-2)), 1.0,
                rank == 0 ? 0.5 : 0.25, (name, norm) -> { });
          }
          return null;
        }));
      }
      for (Future<?> f : results) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertTrue(e.getCause().getMessage().contains("disagree on λ"), e.getCause().getMessage());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
