package dev.beaver.app.demo;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.logging.ProgressBar;
import dev.beaver.models.CausalLm;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import dev.beaver.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Samples one story per request from a causal LM, in batches, with the RL stages' sampling
 * (temperature 1, top-k 50) and safe-rlhf's prompt template.
 */
final class Sampler {
  /** One sampled answer: its request, decoded text and full token ids (prompt + answer). */
  record Sample(StoryWorld.Request request, String text, int[] ids) {}

  /** Large batches: a tiny model's generation costs per step, hardly per sequence. */
  static final int BATCH = 128;

  private Sampler() {}

  /**
   * Samples an answer to each of {@code requests}; sequence r uses the random stream (seed, r)
   * of its batch, so results depend only on the seed and the request order.
   *
   * @param maxNewTokens answer length limit in tokens
   */
  static List<Sample> sample(CausalLm lm, List<StoryWorld.Request> requests, int maxNewTokens,
      long seed, String title) {
    Tokenizer tok = lm.tokenizer();
    List<Sample> out = new ArrayList<>(requests.size());
    try (NDManager manager = NDManager.newBaseManager();
        ProgressBar bar = new ProgressBar(title, requests.size())) {
      for (int start = 0; start < requests.size(); start += BATCH) {
        List<StoryWorld.Request> chunk =
            requests.subList(start, Math.min(requests.size(), start + BATCH));
        List<int[]> prompts = new ArrayList<>(chunk.size());
        for (StoryWorld.Request r : chunk) {
          prompts.add(tok.encode(PromptTemplate.prompt(r.text())));
        }
        SamplingParams params =
            new SamplingParams(1.0, 1.0, 50, 1.0, maxNewTokens, 0, seed + start);
        List<Generation> gens;
        try (NDManager step = manager.newSubManager()) {
          gens = lm.generate(step, prompts, params);
        }
        for (int i = 0; i < chunk.size(); i++) {
          Generation g = gens.get(i);
          out.add(new Sample(chunk.get(i), tok.decode(g.newIds(), true).strip(), g.outputIds()));
        }
        bar.step(chunk.size(), Map.of());
      }
    }
    return out;
  }
}
