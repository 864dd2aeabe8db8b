package dev.beaver.app.eval;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.beaver.models.CausalLm;
import dev.beaver.models.InvalidInputException;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Evaluates a causal LM on one BIG-bench JSON task, zero-shot: multiple-choice examples by the
 * normalised conditional log-likelihood of each choice ({@code multiple_choice_grade}), and
 * examples for generative metrics by greedy generation ({@code exact_str_match}).
 */
public final class BigBenchEvaluator {
  /** Metrics computed from choice log-likelihoods. */
  public static final String MULTIPLE_CHOICE_GRADE = "multiple_choice_grade";

  /** Metrics computed from generated text. */
  public static final String EXACT_STR_MATCH = "exact_str_match";

  public static final Set<String> SUPPORTED = Set.of(MULTIPLE_CHOICE_GRADE, EXACT_STR_MATCH);

  /**
   * How to evaluate.
   *
   * @param batchSize sequences per forward pass (likelihoods) or prompts per generation batch
   * @param maxLength longest sequence; prompts are cut from the left to fit
   * @param maxNewTokens generation budget per generative example
   * @param maxExamples evaluate a seeded random subset of this many examples (null: all)
   * @param seed seed of the subset and of the choice permutation
   * @param logQueries put every query (inputs, targets, outputs) into the result
   */
  public record Settings(int batchSize, int maxLength, int maxNewTokens, Integer maxExamples,
      long seed, boolean logQueries) {}

  /**
   * The result of one task.
   *
   * @param scoreDict metric -> score, for the supported metrics the task asks for
   * @param skippedMetrics metrics the task asks for that Beaver does not compute
   * @param numExamples examples evaluated
   * @param lowScore the preferred metric's chance level (random choice; 0 for exact match)
   * @param queries BIG-bench-style query log (empty without logQueries)
   */
  public record Result(BigBenchTask task, Map<String, Double> scoreDict, List<String> skippedMetrics,
      int numExamples, int numMultipleChoice, double lowScore, JsonArray queries) {
    /** The preferred score when computed, else the first computed metric. */
    public String reportedMetric() {
      return scoreDict.containsKey(task.preferredScore()) ? task.preferredScore()
          : scoreDict.keySet().iterator().next();
    }
  }

  private final CausalLm lm;
  private final Settings settings;

  public BigBenchEvaluator(CausalLm lm, Settings settings) {
    this.lm = lm;
    this.settings = settings;
  }

  /**
   * Checks that the task asks for a metric Beaver computes and has the examples it needs; run
   * before loading a model so that bad tasks fail fast.
   */
  public static void check(BigBenchTask task) {
    List<String> wanted = task.metrics().stream().filter(SUPPORTED::contains).toList();
    if (wanted.isEmpty()) {
      throw new InvalidInputException(task.source() + ": metrics " + task.metrics() + " include"
          + " none Beaver computes; supported: " + MULTIPLE_CHOICE_GRADE + ", " + EXACT_STR_MATCH);
    }
    if (task.outputRegex() != null) {
      try {
        BigBenchScoring.postprocess("", null, task.outputRegex());
      } catch (IllegalArgumentException e) { // PatternSyntaxException included
        throw new InvalidInputException(task.source() + ": output_regex: " + e.getMessage());
      }
    }
    if (wanted.contains(MULTIPLE_CHOICE_GRADE)
        && task.examples().stream().noneMatch(BigBenchTask.Example::isMultipleChoice)) {
      throw new InvalidInputException(task.source() + ": metric " + MULTIPLE_CHOICE_GRADE
          + " needs examples with 'target_scores'; this task has none");
    }
  }

  /** The examples to evaluate: all, or a seeded random subset (kept in file order). */
  static List<BigBenchTask.Example> select(List<BigBenchTask.Example> all, Integer max, long seed) {
    if (max == null || max >= all.size()) {
      return all;
    }
    int[] perm = dev.beaver.learner.train.Batches.permutation(all.size(), seed);
    int[] chosen = java.util.Arrays.copyOf(perm, max);
    java.util.Arrays.sort(chosen);
    List<BigBenchTask.Example> out = new ArrayList<>(max);
    for (int i : chosen) {
      out.add(all.get(i));
    }
    return out;
  }

  /**
   * Evaluates {@code task}.
   *
   * @param progress receives (done, total) work units (likelihood pairs + generations), or null
   */
  public Result evaluate(BigBenchTask task, NDManager manager, BiConsumer<Integer, Integer> progress) {
    check(task);
    List<BigBenchTask.Example> examples = select(task.examples(), settings.maxExamples(), settings.seed());
    Random rng = new Random(settings.seed());
    List<BigBenchPrompt> prompts = new ArrayList<>();
    for (BigBenchTask.Example e : examples) {
      prompts.add(BigBenchPrompt.of(task, e, rng));
    }
    boolean mc = task.metrics().contains(MULTIPLE_CHOICE_GRADE);
    boolean gen = task.metrics().contains(EXACT_STR_MATCH);
    List<BigBenchPrompt> mcPrompts = mc
        ? prompts.stream().filter(p -> p.example().isMultipleChoice()).toList() : List.of();
    int pairs = mcPrompts.stream().mapToInt(p -> p.choices().size()).sum();
    int total = pairs + (gen ? prompts.size() : 0);
    Map<String, Double> scoreDict = new LinkedHashMap<>();
    JsonArray queries = new JsonArray();
    double lowScore = 0.0;
    if (mc) {
      List<double[]> logProbs = choiceLogProbs(mcPrompts, manager,
          done -> report(progress, done, total));
      List<List<String>> choices = mcPrompts.stream().map(BigBenchPrompt::choices).toList();
      List<Map<String, Double>> scores =
          mcPrompts.stream().map(p -> p.example().targetScores()).toList();
      scoreDict.put(MULTIPLE_CHOICE_GRADE,
          BigBenchScoring.multipleChoiceGrade(logProbs, choices, scores));
      lowScore = BigBenchScoring.randomChoiceGrade(scores);
      if (settings.logQueries()) {
        for (int i = 0; i < mcPrompts.size(); i++) {
          JsonObject q = new JsonObject();
          q.addProperty("function", "cond_log_prob");
          q.addProperty("example_index", mcPrompts.get(i).example().index());
          q.addProperty("inputs", mcPrompts.get(i).prompt());
          q.add("targets", strings(choices.get(i)));
          JsonArray outputs = new JsonArray();
          for (double v : logProbs.get(i)) {
            outputs.add(Double.isInfinite(v) ? null : v);
          }
          q.add("outputs", outputs);
          queries.add(q);
        }
      }
    }
    if (gen) {
      List<String> responses =
          generate(task, prompts, manager, done -> report(progress, pairs + done, total));
      List<List<String>> targets = prompts.stream().map(p -> p.example().targets()).toList();
      scoreDict.put(EXACT_STR_MATCH, BigBenchScoring.exactStrMatch(targets, responses));
      if (settings.logQueries()) {
        for (int i = 0; i < prompts.size(); i++) {
          JsonObject q = new JsonObject();
          q.addProperty("function", "generate_text");
          q.addProperty("example_index", prompts.get(i).example().index());
          q.addProperty("inputs", prompts.get(i).prompt());
          q.add("targets", strings(targets.get(i)));
          q.addProperty("outputs", responses.get(i));
          queries.add(q);
        }
      }
    }
    List<String> skipped = task.metrics().stream().filter(m -> !SUPPORTED.contains(m)).toList();
    return new Result(task, scoreDict, skipped, examples.size(), mcPrompts.size(),
        mc ? lowScore : 0.0, queries);
  }

  /** Per example, (C) log-probabilities of its choices, normalised over the choices. */
  List<double[]> choiceLogProbs(List<BigBenchPrompt> prompts, NDManager manager,
      ChoiceLikelihoods.Progress progress) {
    Tokenizer tok = lm.tokenizer();
    List<int[]> promptIds = new ArrayList<>();
    List<int[]> targetIds = new ArrayList<>();
    for (BigBenchPrompt p : prompts) {
      int[] ids = tok.encode(p.prompt(), true);
      for (String choice : p.choices()) {
        promptIds.add(ids);
        targetIds.add(tok.encode(choice, false));
      }
    }
    double[] flat = ChoiceLikelihoods.score(lm, manager, promptIds, targetIds,
        settings.batchSize(), settings.maxLength(), progress);
    List<double[]> out = new ArrayList<>(prompts.size());
    int at = 0;
    for (BigBenchPrompt p : prompts) {
      double[] summed = java.util.Arrays.copyOfRange(flat, at, at + p.choices().size());
      at += p.choices().size();
      out.add(BigBenchScoring.normalizeChoices(summed));
    }
    return out;
  }

  /**
   * Greedy responses: decoded new tokens (specials skipped), trimmed, then BIG-bench's
   * post-processing with the task's stop_string and output_regex.
   */
  List<String> generate(BigBenchTask task, List<BigBenchPrompt> prompts, NDManager manager,
      ChoiceLikelihoods.Progress progress) {
    Tokenizer tok = lm.tokenizer();
    int promptBudget = settings.maxLength() - settings.maxNewTokens();
    if (promptBudget < 1) {
      throw new InvalidInputException("--max_new_tokens " + settings.maxNewTokens()
          + " leaves no room for a prompt within --max_length " + settings.maxLength());
    }
    SamplingParams greedy = SamplingParams.greedy(settings.maxNewTokens());
    List<String> out = new ArrayList<>(prompts.size());
    for (int from = 0; from < prompts.size(); from += settings.batchSize()) {
      int to = Math.min(prompts.size(), from + settings.batchSize());
      List<int[]> batch = new ArrayList<>();
      for (int i = from; i < to; i++) {
        int[] ids = tok.encode(prompts.get(i).prompt(), true);
        if (ids.length > promptBudget) {
          ids = java.util.Arrays.copyOfRange(ids, ids.length - promptBudget, ids.length);
        }
        batch.add(ids);
      }
      List<Generation> gens;
      try (NDManager step = manager.newSubManager()) {
        gens = lm.generate(step, batch, greedy);
      }
      for (Generation g : gens) {
        String text = tok.decode(g.newIds(), true).strip();
        try {
          out.add(BigBenchScoring.postprocess(text, task.stopString(), task.outputRegex()));
        } catch (IllegalArgumentException e) { // PatternSyntaxException included
          throw new InvalidInputException(task.source() + ": output_regex: " + e.getMessage());
        }
      }
      if (progress != null) {
        progress.done(to);
      }
    }
    return out;
  }

  private static void report(BiConsumer<Integer, Integer> progress, int done, int total) {
    if (progress != null) {
      progress.accept(done, total);
    }
  }

  private static JsonArray strings(List<String> xs) {
    JsonArray a = new JsonArray();
    xs.forEach(a::add);
    return a;
  }
}
