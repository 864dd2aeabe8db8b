package dev.beaver.app.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.beaver.learner.logging.ProgressBar;
import dev.beaver.models.CausalLm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code beaver bigbench}: safe-rlhf's {@code safe_rlhf.evaluate.bigbench} on JSON tasks. */
@Command(name = "bigbench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Evaluates a causal LM on BIG-bench JSON tasks (safe-rlhf evaluate.bigbench), zero-shot.",
      "Every query is wrapped in safe-rlhf's template 'BEGINNING OF CONVERSATION: USER: <text>"
          + " ASSISTANT:' (upstream's PROMPT_INPUT.format(text) raises KeyError; fixed here).",
      "<text> is BIG-bench's: task_prefix + example_input_prefix + input [+ choice_prefix +"
          + " the choices joined by choice_prefix] + example_output_prefix.",
      "multiple_choice_grade: each choice's summed token log-probability given the prompt"
          + " (the choice tokenized alone, no special tokens), normalised by logsumexp over the"
          + " choices; the example scores the target_scores value of the most likely choice.",
      "exact_str_match: greedy generation of up to --max_new_tokens (stops at EOS), decoded,"
          + " trimmed, cut after stop_string, filtered by output_regex, compared with target.",
      "Other metrics (bleu, rouge, ...) are listed as skipped_metrics. Choices are listed in a"
          + " seeded permutation (not numpy's stream, so the order differs from BIG-bench's).",
      "Writes OUTPUT_DIR/<task>/results/results.json and OUTPUT_DIR/results.json (a summary);"
          + " an existing file is renamed to <file>.backup_NNNNNN first."
    })
public final class BigBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model_name_or_path", required = true,
      description = "Causal LM folder (HF layout) or hub id.")
  String model;

  @Option(names = {"--task", "--task_name"}, required = true, arity = "1..*", paramLabel = "PATH",
      description = "BIG-bench task.json file or its folder; repeat or list several.")
  List<Path> tasks = new ArrayList<>();

  @Option(names = "--batch_size", defaultValue = "4",
      description = "Sequences per forward pass / prompts per generation batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max_length", defaultValue = "2048",
      description = "Longest sequence; prompts are cut from the left to fit (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--max_new_tokens", defaultValue = "64",
      description = "Generation budget for generative metrics (Beaver's; default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--max_examples",
      description = "Evaluate a seeded random subset of this many examples per task (default: all).")
  Integer maxExamples;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the example subset and the choice order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output_dir", defaultValue = "./eval_results",
      description = "Where results go (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(names = "--not_log_queries", description = "Leave the per-query log out of results.json.")
  boolean notLogQueries;

  @Option(names = "--show_progress", description = "Show a progress bar per task on stderr.")
  boolean showProgress;

  @Override
  public Integer call() throws IOException {
    if (batchSize < 1 || maxLength < 2 || maxNewTokens < 1
        || (maxExamples != null && maxExamples < 1)) {
      throw new ParameterException(spec.commandLine(), "--batch_size, --max_new_tokens and"
          + " --max_examples must be >= 1 and --max_length >= 2");
    }
    // Read and check every task before loading the model: a bad task fails in a second.
    List<BigBenchTask> parsed = new ArrayList<>();
    for (Path t : tasks) {
      BigBenchTask task = BigBenchTask.read(t);
      BigBenchEvaluator.check(task);
      parsed.add(task);
    }
    PrintWriter out = spec.commandLine().getOut();
    BigBenchEvaluator.Settings settings = new BigBenchEvaluator.Settings(batchSize, maxLength,
        maxNewTokens, maxExamples, seed, !notLogQueries);
    try (NDManager manager = NDManager.newBaseManager();
        CausalLm lm = CausalLm.load(model, manager)) {
      JsonObject modelInfo = modelInfo(lm);
      BigBenchEvaluator evaluator = new BigBenchEvaluator(lm, settings);
      List<BigBenchEvaluator.Result> results = new ArrayList<>();
      for (BigBenchTask task : parsed) {
        BigBenchEvaluator.Result r;
        if (showProgress) {
          try (Progress p = new Progress(task.name())) {
            r = evaluator.evaluate(task, manager, p::update);
          }
        } else {
          r = evaluator.evaluate(task, manager, null);
        }
        Path file = BigBenchResults.writeTask(outputDir, r, modelInfo);
        results.add(r);
        StringBuilder line = new StringBuilder(task.name()).append(':');
        for (Map.Entry<String, Double> e : r.scoreDict().entrySet()) {
          line.append(String.format(Locale.ROOT, " %s=%.4f", e.getKey(), e.getValue()));
        }
        line.append(" (").append(r.numExamples()).append(" examples) -> ").append(file);
        out.println(line);
        out.flush();
      }
      Path summary = BigBenchResults.writeSummary(outputDir, modelInfo, results);
      out.println("summary: " + summary);
      out.flush();
    }
    return 0;
  }

  private JsonObject modelInfo(CausalLm lm) {
    JsonObject m = new JsonObject();
    m.addProperty("model_name", model);
    m.addProperty("model_family", lm.config().family().toString().toLowerCase(Locale.ROOT));
    m.addProperty("total_params", lm.config().parameterCount());
    JsonObject decoding = new JsonObject();
    decoding.addProperty("greedy", true);
    decoding.addProperty("max_new_tokens", maxNewTokens);
    decoding.addProperty("max_length", maxLength);
    m.add("decoding_params", decoding);
    m.addProperty("prompt_template", "BEGINNING OF CONVERSATION: USER: {input} ASSISTANT:");
    return m;
  }

  /** A progress bar created at the first report, when the total is known. */
  private static final class Progress implements AutoCloseable {
    private final String title;
    private ProgressBar bar;
    private int shown;

    Progress(String title) {
      this.title = title;
    }

    void update(int done, int total) {
      if (bar == null) {
        bar = new ProgressBar(title, total);
      }
      bar.step(done - shown, Map.of());
      shown = done;
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
