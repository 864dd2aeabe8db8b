package dev.beaver.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.beaver.learner.math.KlSplit;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.RlTestModels;
import dev.beaver.models.SharedData;
import dev.beaver.models.config.ScoreConfig.ScoreType;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code max_staleness 0} the actor pipeline is the synchronous algorithm: on stories260K
 * (actor, reference, critics, and reward/cost models built from it) its PPO-Lag metric trajectory
 * equals the in-process {@link RlTrainer}'s, here with two workers pulling work (which worker
 * generates which micro-batch must not matter).
 */
@ExtendWith(TestKitJUnit5Extension.class)
class PipelineInvarianceTest {
  @JUnit5TestKit public ActorTestKit testKit = new JUnit5TestKitBuilder().build();
  @TempDir Path tmp;

  static final String[] PROMPTS = {"Tell me a story about a cat.", "Tell me about Tom.",
    "What did Lily see?", "Tell me a story about a big dog."};

  static final String[] COMPARED = {"train/reward", "train/cost", "train/actor_loss",
    "train/lambda", "train/episode_cost", "train/reward_critic_loss", "train/cost_critic_loss",
    "train/kl_divergence"};

  /**
   * PPO-Lag with λ moving (threshold far below the cost, λ_lr 1e-4, λ_max 5); 2 prompts per batch,
   * train batch 1 (2 micro-batches and 2 optimizer steps per round), 2 prompt batches: 4 steps.
   */
  static RlSettings settings(Path out) {
    return new RlSettings(RlSettings.Algorithm.PPO_LAG, 0.01, KlSplit.FULL, 0.2, 50.0, 5.0, 1.0,
        0.95, 0.0, 1, 1, 2, 1, 1, 1e-3, 0.0, "constant", 0.0, 5e-4, 0.0, "constant", 0.0,
        1.0, 1.0, 50, 1, 1.0, 84, -1000.0, 1.0, 1e-4, OptionalDouble.of(5.0), 0,
        128, 1.0, 1_000_000, false, "epoch", 1_000_000, out, 7);
  }

  static List<List<int[]>> promptBatches(CausalLm lm) {
    List<List<int[]>> out = new ArrayList<>();
    for (int i = 0; i < PROMPTS.length; i += 2) {
      out.add(List.of(lm.tokenizer().encode(PromptTemplate.prompt(PROMPTS[i])),
          lm.tokenizer().encode(PromptTemplate.prompt(PROMPTS[i + 1]))));
    }
    return out;
  }

  static final class Recorder implements SupervisedLoop.Listener {
    final List<Map<String, Double>> rows = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void accept(Map<String, Double> m, Long step) {
      rows.add(Map.copyOf(m));
    }
  }

  static float[] weights(CausalLm lm) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (NDArray a : lm.decoder().weights().parameters().values()) {
      float[] f = a.toFloatArray();
      parts.add(f);
      n += f.length;
    }
    float[] out = new float[n];
    int o = 0;
    for (float[] f : parts) {
      System.arraycopy(f, 0, out, o, f.length);
      o += f.length;
    }
    return out;
  }

  record Run(List<Map<String, Double>> rows, float[] actorWeights) {}

  Run inProcess() {
    try (NDManager m = NDManager.newBaseManager(); RlTestModels x = RlTestModels.load(m)) {
      Recorder rec = new Recorder();
      new RlTrainer(settings(tmp.resolve("in-process")), x.actor(), x.ref(), x.rm(), x.cm(),
          x.rc(), x.cc(), m, rec).run(promptBatches(x.actor()), null, null);
      return new Run(new ArrayList<>(rec.rows), weights(x.actor()));
    }
  }

  Run pipeline(int workers, int maxStaleness, String name) {
    try (NDManager m = NDManager.newBaseManager(); RlTestModels x = RlTestModels.load(m)) {
      Recorder rec = new Recorder();
      RlSettings s = settings(tmp.resolve(name));
      RlTrainer trainer = new RlTrainer(s, x.actor(), x.ref(), x.rm(), x.cm(), x.rc(), x.cc(), m,
          rec);
      List<CausalLm> replicas = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        replicas.add(CausalLm.load(SharedData.stories260k().toString(), m));
      }
      RunPlan plan = RunPlan.of(s, promptBatches(x.actor()));
      TestProbe<LearnerActor.Finished> done = testKit.createTestProbe();
      // The buffer holds as many rounds as a sample may lag behind, plus the one being consumed.
      int capacity = (maxStaleness + 1) * plan.maxItemsPerRound();
      ActorRef<Void> p = testKit.spawn(Pipeline.create(
          new PipelineSettings(maxStaleness, capacity, workers), plan,
          new LearnerActor.Models(trainer, x.actor(), x.rc(), x.cc()),
          new Scorer.Models(x.actor().tokenizer(), x.ref(), x.rm(), x.cm(), Double.NaN),
          replicas, done.ref()), name);
      // The pipeline stops when the learner has finished or any actor failed.
      done.expectTerminated(p, Duration.ofMinutes(5));
      LearnerActor.Finished f = done.expectMessageClass(LearnerActor.Finished.class,
          Duration.ofSeconds(5));
      assertEquals(plan.rounds().size(), f.version());
      assertTrue(f.maxStaleness() <= maxStaleness, "staleness " + f.maxStaleness());
      System.err.printf("pipeline %s: largest staleness trained on %d%n", name,
          f.maxStaleness());
      return new Run(new ArrayList<>(rec.rows), weights(x.actor()));
    }
  }

  static void assertSameTrajectory(Run expected, Run actual) {
    assertEquals(expected.rows().size(), actual.rows().size(), "steps");
    assertTrue(expected.rows().size() >= 2);
    for (int i = 0; i < expected.rows().size(); i++) {
      for (String key : COMPARED) {
        double e = expected.rows().get(i).get(key);
        double a = actual.rows().get(i).get(key);
        assertEquals(e, a, 1e-4 * Math.max(1.0, Math.abs(e)), "step " + (i + 1) + " " + key);
      }
    }
    float[] we = expected.actorWeights();
    float[] wa = actual.actorWeights();
    assertEquals(we.length, wa.length);
    for (int i = 0; i < we.length; i++) {
      assertEquals(we[i], wa[i], 1e-5f * Math.max(1f, Math.abs(we[i])), "actor weight " + i);
    }
  }

  @Test
  void shouldReproduceTheInProcessTrajectoryWithStalenessZero() {
    long t0 = System.nanoTime();
    Run reference = inProcess();
    System.err.printf("in-process run: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(4, reference.rows().size());
    // λ moves, so the comparison covers the multiplier's update, not only a constant.
    assertTrue(reference.rows().get(3).get("train/lambda")
        > reference.rows().get(0).get("train/lambda"));
    t0 = System.nanoTime();
    assertSameTrajectory(reference, pipeline(2, 0, "two-workers"));
    System.err.printf("pipeline, two workers: %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @Test
  void shouldTrainOnSamplesUpToOneVersionOldWithStalenessOne() {
    Run run = pipeline(1, 1, "staleness-one");
    assertEquals(4, run.rows().size());
    for (Map<String, Double> row : run.rows()) {
      for (String key : COMPARED) {
        assertTrue(Double.isFinite(row.get(key)), key + " = " + row.get(key));
      }
    }
  }
}
