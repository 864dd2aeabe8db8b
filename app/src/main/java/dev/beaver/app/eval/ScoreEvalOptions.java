package dev.beaver.app.eval;

import dev.beaver.app.train.CommonTrainingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags of safe-rlhf's {@code evaluate.reward} and {@code evaluate.cost} (reference §1.8),
 * with upstream's names and defaults; DeepSpeed and precision flags are accepted so existing
 * scripts run, and have no effect.
 */
public final class ScoreEvalOptions {
  @Option(names = "--model_name_or_path", required = true,
      description = "Score model folder (safe-rlhf layout) or hub id.")
  public String model;

  @Option(names = "--datasets", required = true, arity = "1..*",
      description = "DATASET[:PROPORTION[:PATH]] specs, e.g. PKU-SafeRLHF/test:1:/data/pku.jsonl.")
  public List<String> datasets = new ArrayList<>();

  @Option(names = "--output_dir", required = true,
      description = "Where scores.txt, scores.npy, distribution.png and eval.json go.")
  public Path outputDir;

  @Option(names = "--max_length", defaultValue = "512",
      description = "Texts are cut to this many tokens (default: ${DEFAULT-VALUE}).")
  public int maxLength;

  @Option(names = "--per_device_eval_batch_size", defaultValue = "16",
      description = "Pairs per forward pass (default: ${DEFAULT-VALUE}).")
  public int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the dataset proportion sampling (default: ${DEFAULT-VALUE}).")
  public long seed;

  @Option(names = "--column_map", paramLabel = "FIELD=COLUMN,...",
      description = "Column mapping for jsonl/json/parquet datasets, e.g. input=question,answer=response.")
  public String columnMap;

  @Option(names = "--skip_invalid_rows",
      description = "Leave out malformed rows (each one reported) instead of stopping at the first.")
  public boolean skipInvalidRows;

  @Option(names = {"--fp16", "--bf16", "--tf32", "--trust_remote_code"}, arity = "0..1",
      fallbackValue = "true", description = "Accepted for compatibility; evaluation runs in float32.")
  public List<Boolean> ignoredFlags = new ArrayList<>();

  @Option(names = {"--zero_stage", "--offload", "--local_rank"},
      description = "Accepted for compatibility (DeepSpeed).")
  public List<String> ignoredDeepSpeed = new ArrayList<>();

  /**
   * The same dataset settings the training commands take, so that {@code --datasets} is parsed,
   * mixed and tokenized by exactly the code {@code beaver rm} / {@code cm} use.
   */
  CommonTrainingOptions asDatasetOptions() {
    CommonTrainingOptions c = new CommonTrainingOptions();
    c.trainDatasets = new ArrayList<>(datasets);
    c.evalDatasets = new ArrayList<>();
    c.needEval = false;
    c.maxLength = maxLength;
    c.seed = seed;
    c.columnMap = columnMap;
    c.skipInvalidRows = skipInvalidRows;
    c.outputDir = outputDir;
    return c;
  }
}
