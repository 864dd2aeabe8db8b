package dev.beaver.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.beaver.learner.math.KlSplit;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.config.ScoreConfig.ScoreType;
import dev.beaver.models.nn.CanonicalNames;
import dev.beaver.models.nn.Decoder;
import dev.beaver.models.tokenizer.PromptTemplate;
import dev.beaver.models.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What the RL benchmarks ({@link PpoLagIterationBenchmark}, {@link PipelineBenchmark}) share: the
 * six PPO-Lag models built from one checkpoint, the settings, the prompts, and the per-token
 * multiply count of a model (its FLOPs per token are twice that).
 */
final class BenchRl {
  private BenchRl() {}

  /** Prompt texts (safe-rlhf's template is applied); batches cycle through them. */
  static final String[] PROMPTS = {"Tell me a story about a cat.", "Tell me about Tom.",
    "What did Lily see?", "Tell me a story about a big dog.", "Where did the bird go?",
    "Tell me a story about a red ball.", "Why was Sam sad?", "Tell me about the sun."};

  /**
   * Actor, reference, reward and cost models and the two critics, all from the checkpoint in
   * {@code dir}: the score models get fresh seeded heads on the causal LM (random rewards and
   * costs; the benchmarks measure speed, not learning).
   */
  record Models(CausalLm actor, CausalLm ref, ScoreModel rm, ScoreModel cm, ScoreModel rc,
      ScoreModel cc) implements AutoCloseable {
    static Models load(Path dir, NDManager m) {
      String p = dir.toString();
      return new Models(CausalLm.load(p, m), CausalLm.load(p, m),
          ScoreModel.load(p, m, ScoreType.REWARD, 3), ScoreModel.load(p, m, ScoreType.COST, 5),
          ScoreModel.load(p, m, ScoreType.CRITIC, 3), ScoreModel.load(p, m, ScoreType.CRITIC, 5));
    }

    @Override
    public void close() {
      for (AutoCloseable c : new AutoCloseable[] {actor, ref, rm, cm, rc, cc}) {
        try {
          if (c != null) {
            c.close();
          }
        } catch (Exception e) {
          System.err.println("closing a model: " + e);
        }
      }
    }
  }

  /**
   * PPO-Lag with safe-rlhf's script values where they matter for speed: one return sequence,
   * one update iteration, no accumulation, no PTX, top-k 50 sampling at temperature 1, KL 0.01,
   * λ moving (threshold 0, λ_lr 0.1, λ_max 5). {@code promptBatch} prompts per round in
   * micro-batches of {@code trainBatch}; {@code maxLength} tokens in all, prompt included.
   * Learning rates are small (1e-5 / 5e-6) so that long benchmark runs stay finite.
   */
  static RlSettings settings(int promptBatch, int trainBatch, int maxLength, Path out) {
    return new RlSettings(RlSettings.Algorithm.PPO_LAG, 0.01, KlSplit.FULL, 0.2, 50.0, 5.0, 1.0,
        0.95, 0.0, 1, 1, promptBatch, trainBatch, 1, 1e-5, 0.0, "constant", 0.0, 5e-6, 0.0,
        "constant", 0.0, 1.0, 1.0, 50, 1, 1.0, maxLength, 0.0, 1.0, 0.1,
        OptionalDouble.of(5.0), 0, 128, 1.0, 1_000_000, false, "epoch", 1_000_000, out, 7);
  }

  /** {@code n} prompts (template applied, tokenized), cycling through {@link #PROMPTS}. */
  static List<int[]> prompts(Tokenizer tokenizer, int n, int offset) {
    List<int[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(tokenizer.encode(PromptTemplate.prompt(PROMPTS[(offset + i) % PROMPTS.length])));
    }
    return out;
  }

  static int maxLength(List<int[]> prompts) {
    int max = 0;
    for (int[] p : prompts) {
      max = Math.max(max, p.length);
    }
    return max;
  }

  /**
   * Weights one token position multiplies by: every matrix of the decoder except the embedding
   * (a lookup), plus the LM head when {@code lmHead} (the embedding matrix again when tied). A
   * score model's head (hidden × score dim) is one of its matrices. Forward FLOPs per position
   * are 2× this, forward + backward 6× (attention scores and element-wise ops not counted).
   */
  static long multiplies(Decoder decoder, boolean lmHead) {
    Map<String, NDArray> params = decoder.weights().parameters();
    long n = 0;
    boolean hasHead = false;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String name = e.getKey();
      if (e.getValue().getShape().dimension() < 2 || name.endsWith(CanonicalNames.EMBED)
          || name.endsWith(CanonicalNames.POSITIONS)) {
        continue;
      }
      if (name.endsWith(CanonicalNames.LM_HEAD)) {
        hasHead = true;
        if (!lmHead) {
          continue;
        }
      }
      n += e.getValue().size();
    }
    if (lmHead && !hasHead) {
      n += (long) decoder.config().vocabSize() * decoder.config().hiddenSize();
    }
    return n;
  }
}
