package dev.beaver.app.arena;

import java.nio.file.Path;
import java.util.List;

/**
 * One arena evaluation, as {@code beaver arena}'s flags give it (safe-rlhf's
 * {@code evaluate.arena}, plus Beaver's bounds and worker count).
 *
 * @param redModel the red corner's model folder or hub id
 * @param blueModel the blue corner's model folder or hub id
 * @param rewardModel the reward model scoring both corners
 * @param costModel the cost model scoring both corners
 * @param datasets PromptOnly dataset specs {@code NAME[:PROPORTION[:PATH]]}
 * @param columnMap column mapping for jsonl/json/parquet datasets, or null
 * @param maxLength total length (prompt + response) generation may reach, as upstream (512)
 * @param maxNewTokens extra bound on the response length, 0 for none
 * @param batchSize prompts per generation batch (upstream's per_device_eval_batch_size)
 * @param seed seed of the sampling streams (and of dataset proportions)
 * @param rolloutWorkers rollout workers per corner (each holds its own replica)
 * @param outputDir where {@code <red>_vs_<blue>/table.csv} and {@code summary.json} go; null
 *     writes nothing
 * @param judges extra per-response judges (may be empty)
 */
public record ArenaConfig(
    String redModel,
    String blueModel,
    String rewardModel,
    String costModel,
    List<String> datasets,
    String columnMap,
    int maxLength,
    int maxNewTokens,
    int batchSize,
    long seed,
    int rolloutWorkers,
    Path outputDir,
    List<ResponseJudge> judges) {

  public static final int DEFAULT_MAX_LENGTH = 512;
  public static final int DEFAULT_BATCH_SIZE = 16;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_ROLLOUT_WORKERS = 2;

  public ArenaConfig {
    datasets = List.copyOf(datasets);
    judges = judges == null ? List.of() : List.copyOf(judges);
    if (datasets.isEmpty()) {
      throw new IllegalArgumentException("--datasets needs at least one dataset");
    }
    if (maxLength < 2) {
      throw new IllegalArgumentException("--max_length must be >= 2, got " + maxLength);
    }
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("--max_new_tokens must be >= 0, got " + maxNewTokens);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--per_device_eval_batch_size must be >= 1, got "
          + batchSize);
    }
    if (rolloutWorkers < 1) {
      throw new IllegalArgumentException("--rollout_workers must be >= 1, got " + rolloutWorkers);
    }
    for (ResponseJudge j : judges) {
      if (j.name() == null || j.name().isBlank() || j.name().contains(",")) {
        throw new IllegalArgumentException("a judge needs a non-blank name without commas");
      }
    }
  }

  /** The defaults of upstream's flags, for the given models and datasets (no output folder). */
  public static ArenaConfig of(String red, String blue, String rewardModel, String costModel,
      List<String> datasets) {
    return new ArenaConfig(red, blue, rewardModel, costModel, datasets, null, DEFAULT_MAX_LENGTH,
        0, DEFAULT_BATCH_SIZE, DEFAULT_SEED, DEFAULT_ROLLOUT_WORKERS, null, List.of());
  }

  public ArenaConfig withOutputDir(Path dir) {
    return new ArenaConfig(redModel, blueModel, rewardModel, costModel, datasets, columnMap,
        maxLength, maxNewTokens, batchSize, seed, rolloutWorkers, dir, judges);
  }

  public ArenaConfig withJudges(List<ResponseJudge> extra) {
    return new ArenaConfig(redModel, blueModel, rewardModel, costModel, datasets, columnMap,
        maxLength, maxNewTokens, batchSize, seed, rolloutWorkers, outputDir, extra);
  }

  public ArenaConfig withLimits(int maxLength, int maxNewTokens, int batchSize) {
    return new ArenaConfig(redModel, blueModel, rewardModel, costModel, datasets, columnMap,
        maxLength, maxNewTokens, batchSize, seed, rolloutWorkers, outputDir, judges);
  }

  public ArenaConfig withSeed(long newSeed, int workers) {
    return new ArenaConfig(redModel, blueModel, rewardModel, costModel, datasets, columnMap,
        maxLength, maxNewTokens, batchSize, newSeed, workers, outputDir, judges);
  }

  /** Upstream's corner name: the base name of the model path ({@code os.path.basename}). */
  public static String cornerName(String modelNameOrPath) {
    String s = modelNameOrPath.replaceAll("[/\\\\]+$", "");
    int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
    return slash < 0 ? s : s.substring(slash + 1);
  }

  public String redName() {
    return cornerName(redModel);
  }

  public String blueName() {
    return cornerName(blueModel);
  }

  /** {@code <red>_vs_<blue>}: the folder under the output directory. */
  public String matchName() {
    return redName() + "_vs_" + blueName();
  }
}
