package dev.beaver.app.judge;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One corner's answers: the model answers each question alone (no padding, so upstream's
 * total {@code max_length} means the same as there), prompted with the safe-rlhf template.
 */
final class CornerAnswers {
  private CornerAnswers() {}

  /**
   * Loads the model, answers every prompt in order and frees the model again, so that only one
   * corner is in memory at a time.
   *
   * @param temperature overrides the model's default decoding when not null
   * @param progress told the number of answers done after each one
   */
  static List<String> generate(String model, List<String> prompts, Double temperature,
      int maxNewTokens, int maxLength, long seed, IntConsumer progress) {
    List<String> answers = new ArrayList<>(prompts.size());
    try (NDManager manager = NDManager.newBaseManager();
        CausalLm lm = CausalLm.load(model, manager)) {
      SamplingParams params = ModelDecoding.of(lm.generationConfig().json(), temperature,
          maxNewTokens, maxLength, seed);
      for (String prompt : prompts) {
        int[] ids = lm.tokenizer().encode(PromptTemplate.prompt(prompt));
        Generation g = lm.generate(manager, List.of(ids), params).get(0);
        answers.add(lm.tokenizer().decode(g.newIds(), true));
        progress.accept(answers.size());
      }
    }
    return answers;
  }
}
