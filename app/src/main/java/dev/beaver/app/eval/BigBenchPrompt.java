package dev.beaver.app.eval;

import dev.beaver.models.tokenizer.PromptTemplate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * One zero-shot BIG-bench query, formatted as BIG-bench's {@code default_format_fn} does and then
 * wrapped in safe-rlhf's prompt template.
 *
 * @param example the task example
 * @param input BIG-bench's text: task_prefix + example_input_prefix + input [+ choice_prefix +
 *     choices joined by choice_prefix] + example_output_prefix
 * @param prompt {@code BEGINNING OF CONVERSATION: USER: <input> ASSISTANT:} (safe-rlhf's
 *     PROMPT_INPUT formatted with input=text; upstream's positional format raises KeyError)
 * @param choices the choices in the order they are listed and scored (multiple choice), else
 *     empty
 */
public record BigBenchPrompt(BigBenchTask.Example example, String input, String prompt,
    List<String> choices) {

  /**
   * Formats {@code example}. The choices are BIG-bench's permutation of the sorted choice names;
   * {@code rng} (one per task, advanced example by example) draws it, so the order is
   * reproducible for a seed but is not numpy's stream.
   */
  public static BigBenchPrompt of(BigBenchTask task, BigBenchTask.Example example, Random rng) {
    StringBuilder text = new StringBuilder(example.input());
    List<String> choices = List.of();
    if (example.isMultipleChoice()) {
      List<String> sorted = new ArrayList<>(example.targetScores().keySet());
      Collections.sort(sorted);
      Collections.shuffle(sorted, rng);
      choices = List.copyOf(sorted);
      if (task.appendChoicesToInput()) {
        text.append(task.choicePrefix()).append(String.join(task.choicePrefix(), choices));
      }
    }
    String input = task.taskPrefix() + task.inputPrefix() + text + task.outputPrefix();
    return new BigBenchPrompt(example, input, PromptTemplate.prompt(input), choices);
  }
}
