package dev.beaver.app.arena;

import dev.beaver.data.ColumnMap;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.DatasetLoader;
import dev.beaver.data.DatasetRegistry;
import dev.beaver.data.DatasetSpec;
import dev.beaver.data.LoadOptions;
import dev.beaver.data.PromptOnlyBatch;
import dev.beaver.data.PromptOnlySample;
import dev.beaver.data.RawSample;
import dev.beaver.data.TokenizedDataset;
import dev.beaver.models.InvalidInputException;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.Tokenizer;
import dev.beaver.rollout.RunPlan;
import dev.beaver.rollout.WorkItem;
import java.util.ArrayList;
import java.util.List;

/**
 * The arena's prompts (a PromptOnly dataset, in dataset order: no shuffling, as upstream) cut
 * into batches of {@code per_device_eval_batch_size}, and each corner's plan: batch {@code k} is
 * round {@code 2k} for red and {@code 2k + 1} for blue, one micro-batch each, with the same
 * sampling parameters for both corners except the seed.
 *
 * <p>Sampling is upstream's {@code generate(max_length, do_sample=True)} with HF's defaults
 * (temperature 1, top-k 50, top-p 1): a batch left-padded to its longest prompt S may generate
 * {@code max_length − S} tokens ({@code --max_new_tokens}, when given, bounds that further). The
 * seed of a round is {@link #roundSeed}; rows are seeded by (round seed, row).
 *
 * <p>Prompts are tokenized with red's tokenizer. Upstream gives blue the red tokenization too;
 * Beaver gives blue its own tokenization of the same decoded prompt when the tokenizers differ.
 */
final class ArenaPrompts {
  private final TokenizedDataset<PromptOnlySample, PromptOnlyBatch> data;
  private final Tokenizer redTok;
  private final List<int[]> blueIds;
  private final RunPlan redPlan;
  private final RunPlan bluePlan;
  private final int batches;

  private ArenaPrompts(TokenizedDataset<PromptOnlySample, PromptOnlyBatch> data,
      Tokenizer redTok, List<int[]> blueIds, ArenaConfig config) {
    this.data = data;
    this.redTok = redTok;
    this.blueIds = blueIds;
    List<RunPlan.Round> red = new ArrayList<>();
    List<RunPlan.Round> blue = new ArrayList<>();
    int b = config.batchSize();
    int k = 0;
    for (int from = 0; from < data.size(); from += b, k++) {
      int to = Math.min(data.size(), from + b);
      int[][] redBatch = new int[to - from][];
      int[][] blueBatch = new int[to - from][];
      for (int i = from; i < to; i++) {
        redBatch[i - from] = data.get(i).inputIds();
        blueBatch[i - from] = blueIds.get(i);
      }
      red.add(round(2 * k, k, redBatch, params(config, redBatch, roundSeed(config.seed(), 2 * k),
          k, from, to, "red")));
      blue.add(round(2 * k + 1, k, blueBatch, params(config, blueBatch,
          roundSeed(config.seed(), 2 * k + 1), k, from, to, "blue")));
    }
    this.batches = k;
    this.redPlan = RunPlan.ofRounds(red, k);
    this.bluePlan = RunPlan.ofRounds(blue, k);
  }

  /**
   * Loads the datasets of {@code config} as PromptOnly samples (truncated to
   * {@code max_length}).
   *
   * @throws InvalidInputException for a bad spec, file, row, or when there are no prompts
   */
  static ArenaPrompts load(ArenaConfig config, Tokenizer redTok, Tokenizer blueTok) {
    List<DatasetSpec> specs = config.datasets().stream().map(DatasetSpec::parse).toList();
    LoadOptions options = LoadOptions.defaults()
        .withColumnMap(ColumnMap.parse(config.columnMap())).withSkipInvalidRows(false);
    DatasetLoader loader = new DatasetLoader(DatasetRegistry.standard(), options, config.seed());
    TokenizedDataset<PromptOnlySample, PromptOnlyBatch> data =
        loader.load(DatasetKind.PROMPT_ONLY, specs, redTok, config.maxLength())
            .tokenizeAll(Math.max(1, Runtime.getRuntime().availableProcessors()), false)
            .dataset();
    if (data.size() == 0) {
      throw new InvalidInputException("--datasets " + String.join(" ", config.datasets())
          + " holds no prompts; name a dataset with at least one row");
    }
    List<int[]> blueIds = new ArrayList<>(data.size());
    boolean same = ArenaScorer.sameTokenizer(redTok, blueTok);
    for (int i = 0; i < data.size(); i++) {
      int[] ids = data.get(i).inputIds();
      blueIds.add(same ? ids : blueTok.encode(redTok.decode(ids, true)));
    }
    return new ArenaPrompts(data, redTok, blueIds, config);
  }

  /**
   * The sampling seed of round {@code round} (batch k: red 2k, blue 2k + 1). The corners draw
   * from different streams, as upstream's red and blue draw one after the other from one
   * generator, so a model against itself gives two different samples per prompt.
   */
  static long roundSeed(long seed, int round) {
    return seed * 1_000_003L + round;
  }

  private static RunPlan.Round round(int index, int batch, int[][] prompts,
      SamplingParams params) {
    return new RunPlan.Round(index, 0, batch, List.of(new WorkItem(index, 0, prompts, params)));
  }

  private static SamplingParams params(ArenaConfig config, int[][] batch, long seed, int k,
      int from, int to, String corner) {
    int s = 0;
    for (int[] p : batch) {
      s = Math.max(s, p.length);
    }
    int budget = config.maxLength() - s;
    if (config.maxNewTokens() > 0) {
      budget = Math.min(budget, config.maxNewTokens());
    }
    if (budget < 1) {
      throw new InvalidInputException("prompt batch " + k + " (prompts " + from + ".." + (to - 1)
          + ") is " + s + " tokens long for the " + corner + " corner: --max_length "
          + config.maxLength() + " leaves no room to generate; raise --max_length");
    }
    // HF sampling defaults (upstream calls generate(do_sample=True) with the model's defaults).
    return new SamplingParams(1.0, 1.0, 50, 1.0, budget, 0, seed);
  }

  int size() {
    return data.size();
  }

  int batches() {
    return batches;
  }

  RunPlan redPlan() {
    return redPlan;
  }

  RunPlan bluePlan() {
    return bluePlan;
  }

  /** Prompt {@code i} as the models see it (template included), decoded without specials. */
  String promptText(int i) {
    return redTok.decode(data.get(i).inputIds(), true);
  }

  /** Prompt {@code i}'s last user turn as the dataset gives it. */
  String question(int i) {
    RawSample raw = data.raw(i);
    List<String> input = raw.input();
    return input == null || input.isEmpty() ? "" : input.get(input.size() - 1);
  }
}
