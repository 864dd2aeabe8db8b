package dev.beaver.app.train;

import ai.djl.engine.Engine;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.beaver.data.ColumnMap;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.DatasetLoader;
import dev.beaver.data.DatasetRegistry;
import dev.beaver.data.DatasetSpec;
import dev.beaver.data.LoadOptions;
import dev.beaver.data.TokenizedDataset;
import dev.beaver.learner.logging.MetricsLogger;
import dev.beaver.learner.logging.ProgressBar;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every training command does around its stage: seeds, datasets, the run's logs
 * (metrics.jsonl, TensorBoard, arguments.json, provenance) and the progress bar.
 */
public final class TrainingSession implements AutoCloseable {
  private final CommonTrainingOptions common;
  private final MetricsLogger logger;
  private ProgressBar bar;

  public TrainingSession(CommandSpec spec, CommonTrainingOptions common, String trainingType) {
    this.common = common;
    common.validate(spec.commandLine());
    Engine.getInstance().setRandomSeed((int) common.seed);
    MetricsLogger.LogType type = "wandb".equalsIgnoreCase(common.logType)
        ? MetricsLogger.LogType.TENSORBOARD : MetricsLogger.LogType.parse(common.logType);
    if ("wandb".equalsIgnoreCase(common.logType)) {
      System.err.println("note: wandb is not available on the JVM; logging to TensorBoard event"
          + " files and metrics.jsonl instead");
    }
    JsonObject args = arguments(spec);
    args.addProperty("training_type", trainingType);
    this.logger = MetricsLogger.open(new MetricsLogger.Settings(common.outputDir, type,
        common.logDir, common.resumeFromCheckpoint != null, common.seed, args));
  }

  /** Train (and, with --need_eval, eval) datasets of {@code kind}, tokenized now. */
  public <S, B> DatasetLoader.TrainEval<S, B> datasets(DatasetKind<S, B> kind, Tokenizer tokenizer) {
    return datasets(kind, tokenizer, common);
  }

  /** Datasets described by other options (e.g. PTX data of an RL run). */
  public <S, B> DatasetLoader.TrainEval<S, B> datasets(DatasetKind<S, B> kind, Tokenizer tokenizer,
      CommonTrainingOptions common) {
    return loadDatasets(kind, tokenizer, common);
  }

  /**
   * Datasets described by {@code common}, tokenized now, without a session (a node that only
   * needs the prompts, e.g. an RL job's coordinator, opens no run logs).
   */
  public static <S, B> DatasetLoader.TrainEval<S, B> loadDatasets(DatasetKind<S, B> kind,
      Tokenizer tokenizer, CommonTrainingOptions common) {
    ColumnMap columns = common.columnMap == null ? null : ColumnMap.parse(common.columnMap);
    LoadOptions defaults = LoadOptions.defaults();
    LoadOptions options = new LoadOptions(columns, common.skipInvalidRows, defaults.hub());
    DatasetLoader loader = new DatasetLoader(DatasetRegistry.standard(), options, common.seed);
    DatasetLoader.TrainEval<S, B> te = loader.trainEval(kind, specs(common.trainDatasets),
        specs(common.evalDatasets), common.evalSplitRatio, common.needEval, tokenizer,
        common.maxLength);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    TokenizedDataset<S, B> train = prepare(te.train(), threads, common.skipInvalidRows);
    TokenizedDataset<S, B> eval = te.eval() == null ? null
        : prepare(te.eval(), threads, common.skipInvalidRows);
    return new DatasetLoader.TrainEval<>(train, eval);
  }

  private static <S, B> TokenizedDataset<S, B> prepare(TokenizedDataset<S, B> d, int threads,
      boolean skipInvalidRows) {
    TokenizedDataset.Prepared<S, B> p = d.tokenizeAll(threads, skipInvalidRows);
    for (String skipped : p.skipped()) {
      System.err.println("skipped: " + skipped);
    }
    return p.dataset();
  }

  private static List<DatasetSpec> specs(List<String> texts) {
    List<DatasetSpec> out = new ArrayList<>();
    for (String t : texts) {
      out.add(DatasetSpec.parse(t));
    }
    return out;
  }

  /** A loop listener that logs metrics and drives a progress bar titled {@code title}. */
  public SupervisedLoop.Listener listener(String title, String... keyMetrics) {
    return new SupervisedLoop.Listener() {
      @Override
      public void accept(Map<String, Double> metrics, Long step) {
        logger.log(metrics, step);
      }

      @Override
      public void progress(long step, long total, Map<String, Double> metrics) {
        if (bar == null) {
          bar = new ProgressBar(title, total);
        }
        Map<String, Double> shown = new java.util.LinkedHashMap<>();
        for (String k : keyMetrics) {
          if (metrics.containsKey(k)) {
            shown.put(k.substring(k.indexOf('/') + 1), metrics.get(k));
          }
        }
        bar.step(shown);
      }
    };
  }

  public MetricsLogger logger() {
    return logger;
  }

  /** The folder a resumed model is loaded from: {@code CHECKPOINT/<name>}, else {@code fallback}. */
  public String modelPath(String name, String fallback) {
    return modelPath(common.resumeFromCheckpoint, name, fallback);
  }

  /** {@code checkpoint/<name>}, or {@code fallback} when there is no checkpoint. */
  static String modelPath(Path checkpoint, String name, String fallback) {
    return checkpoint == null ? fallback : checkpoint.resolve(name).toString();
  }

  public Path resume() {
    return common.resumeFromCheckpoint;
  }

  /** Every option of the command with its value, as safe-rlhf's arguments.json records them. */
  static JsonObject arguments(CommandSpec spec) {
    JsonObject o = new JsonObject();
    for (OptionSpec opt : spec.options()) {
      String name = opt.longestName().replaceFirst("^-+", "");
      if (name.equals("help") || name.equals("version")) {
        continue;
      }
      Object v = opt.getValue();
      if (v == null) {
        o.add(name, com.google.gson.JsonNull.INSTANCE);
      } else if (v instanceof List<?> list) {
        JsonArray a = new JsonArray();
        list.forEach(x -> a.add(String.valueOf(x)));
        o.add(name, a);
      } else if (v instanceof Number n) {
        o.addProperty(name, n);
      } else if (v instanceof Boolean b) {
        o.addProperty(name, b);
      } else {
        o.addProperty(name, String.valueOf(v));
      }
    }
    return o;
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
    logger.close();
  }
}
