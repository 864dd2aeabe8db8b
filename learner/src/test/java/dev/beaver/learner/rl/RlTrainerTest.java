package dev.beaver.learner.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.beaver.learner.math.KlSplit;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.RlTestModels;
import dev.beaver.models.SharedData;
import dev.beaver.models.config.ScoreConfig.ScoreType;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process RL trainers on stories260K with score models built from it. */
class RlTrainerTest {
  @TempDir Path tmp;

  static final String[] PROMPTS = {"Tell me a story about a cat.", "Tell me about Tom.",
    "What did Lily see?", "Tell me a story about a big dog."};

  static RlSettings settings(RlSettings.Algorithm algo, double lambdaInit, double lambdaLr,
      double threshold, Path out, int epochs) {
    return settings(algo, lambdaInit, lambdaLr, threshold, OptionalDouble.empty(), out, epochs);
  }

  static RlSettings settings(RlSettings.Algorithm algo, double lambdaInit, double lambdaLr,
      double threshold, OptionalDouble lambdaMax, Path out, int epochs) {
    return new RlSettings(algo, 0.01, KlSplit.FULL, 0.2, 50.0, 5.0, 1.0, 0.95, 0.0,
        epochs, 1, 2, 2, 1, 1e-3, 0.0, "constant", 0.0, 5e-4, 0.0, "constant", 0.0,
        1.0, 1.0, 50, 1, 1.0, 84, threshold, lambdaInit, lambdaLr, lambdaMax, 0,
        128, 1.0, 1_000_000, false, "epoch", 1_000_000, out, 7);
  }

  /** Everything one run holds, loaded fresh so runs do not share state. */
  static List<List<int[]>> promptBatches(CausalLm lm) {
    List<List<int[]>> out = new ArrayList<>();
    for (int i = 0; i < PROMPTS.length; i += 2) {
      out.add(List.of(lm.tokenizer().encode(PromptTemplate.prompt(PROMPTS[i])),
          lm.tokenizer().encode(PromptTemplate.prompt(PROMPTS[i + 1]))));
    }
    return out;
  }

  static float[] actorWeights(CausalLm lm) {
    List<Float> all = new ArrayList<>();
    for (NDArray a : lm.decoder().weights().parameters().values()) {
      for (float f : a.toFloatArray()) {
        all.add(f);
      }
    }
    float[] out = new float[all.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = all.get(i);
    }
    return out;
  }

  /** Collects logged metrics per step. */
  static final class Recorder implements SupervisedLoop.Listener {
    final List<Map<String, Double>> rows = new ArrayList<>();

    @Override
    public void accept(Map<String, Double> m, Long step) {
      rows.add(m);
    }
  }

  @Test
  void ppoLagWithLambdaHeldAtZeroEqualsPpo() {
    float[] ppo;
    float[] lag;
    try (NDManager m = NDManager.newBaseManager(); RlTestModels x = RlTestModels.load(m)) {
      new RlTrainer(settings(RlSettings.Algorithm.PPO, 1, 0.1, 0, tmp.resolve("a"), 1),
          x.actor(), x.ref(), x.rm(), null, x.rc(), null, m, new Recorder())
          .run(promptBatches(x.actor()), null, null);
      ppo = actorWeights(x.actor());
    }
    try (NDManager m = NDManager.newBaseManager(); RlTestModels x = RlTestModels.load(m)) {
      Recorder rec = new Recorder();
      new RlTrainer(settings(RlSettings.Algorithm.PPO_LAG, 0.0, 0.0, 0, tmp.resolve("b"), 1),
          x.actor(), x.ref(), x.rm(), x.cm(), x.rc(), x.cc(), m, rec)
          .run(promptBatches(x.actor()), null, null);
      lag = actorWeights(x.actor());
      assertEquals(0.0, rec.rows.get(rec.rows.size() - 1).get("train/lambda"));
    }
    assertArrayEquals(ppo, lag, 1e-6f);
  }

  @Test
  void lambdaGrowsAboveTheThresholdAndShrinksBelowIt() {
    // The cost scale of this model is unknown, so the thresholds are far on either side; λ_max
    // keeps the growing case finite (as the scripts' lambda_max 5.0 does).
    for (double threshold : new double[] {-1000.0, 1000.0}) {
      try (NDManager m = NDManager.newBaseManager(); RlTestModels x = RlTestModels.load(m)) {
        Recorder rec = new Recorder();
        new RlTrainer(settings(RlSettings.Algorithm.PPO_LAG, 1.0, 1e-4, threshold,
            OptionalDouble.of(5.0), tmp.resolve("t" + threshold), 1),
            x.actor(), x.ref(), x.rm(), x.cm(), x.rc(), x.cc(), m, rec)
            .run(promptBatches(x.actor()), null, null);
        double first = rec.rows.get(0).get("train/lambda");
        double last = rec.rows.get(rec.rows.size() - 1).get("train/lambda");
        if (threshold < 0) {
          assertTrue(last > first && first > 1.0 && last <= 5.0 + 1e-9,
              "λ should grow up to λ_max: " + first + " -> " + last);
        } else {
          assertTrue(last < first && first < 1.0, "λ should shrink: " + first + " -> " + last);
        }
        for (String key : new String[] {"train/actor_loss", "train/reward_critic_loss",
            "train/cost_critic_loss", "train/episode_cost", "train/reward", "train/cost",
            "train/kl_divergence", "train/reward_with_kl_penalty", "train/cost_advantage",
            "train/mean_generated_length", "train/actor_lr"}) {
          assertTrue(rec.rows.get(0).containsKey(key), key);
        }
      }
    }
  }

  @Test
  void shouldKeepNativeMemoryFlatOverManySteps() {
    try (NDManager m = NDManager.newBaseManager(); RlTestModels x = RlTestModels.load(m)) {
      RlTrainer trainer = new RlTrainer(settings(RlSettings.Algorithm.PPO_LAG, 1.0, 0.01, 0,
          OptionalDouble.of(5.0), tmp.resolve("leak"), 1),
          x.actor(), x.ref(), x.rm(), x.cm(), x.rc(), x.cc(), m, new Recorder());
      List<List<int[]>> prompts = promptBatches(x.actor());
      trainer.run(prompts, null, null);
      int before = dev.beaver.models.NativeResources.count(m);
      for (int i = 0; i < 3; i++) {
        trainer.run(prompts, null, null);
      }
      assertEquals(before, dev.beaver.models.NativeResources.count(m),
          "native arrays held after 6 more PPO-Lag steps");
    }
  }
}
