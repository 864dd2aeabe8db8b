package dev.beaver.app.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * BIG-bench-style result files: {@code <output_dir>/<task>/results/results.json} per task (task,
 * model, scores as BIG-bench's ScoreData, queries) and a summary {@code <output_dir>/results.json}.
 * An existing file is first renamed to {@code <name>.backup_NNNNNN} (the first free number), as
 * BIG-bench's {@code _backup_existing} does, so no earlier result is lost.
 */
public final class BigBenchResults {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().create();

  private BigBenchResults() {}

  /** The per-task file's path. */
  public static Path taskFile(Path outputDir, BigBenchTask task) {
    return outputDir.resolve(task.folderName()).resolve("results").resolve("results.json");
  }

  /** Writes one task's results.json; returns its path. */
  public static Path writeTask(Path outputDir, BigBenchEvaluator.Result r, JsonObject model)
      throws IOException {
    JsonObject o = new JsonObject();
    JsonObject task = new JsonObject();
    task.addProperty("task_name", r.task().name());
    task.addProperty("source", r.task().source().toString());
    task.addProperty("description", r.task().description());
    task.add("keywords", strings(r.task().keywords()));
    task.add("metrics", strings(r.task().metrics()));
    o.add("task", task);
    o.add("model", model);
    JsonObject score = new JsonObject();
    score.addProperty("subtask_description", r.task().name());
    score.addProperty("number_of_shots", 0);
    score.addProperty("preferred_score", r.task().preferredScore());
    JsonObject dict = new JsonObject();
    r.scoreDict().forEach(dict::addProperty);
    score.add("score_dict", dict);
    score.addProperty("low_score", r.lowScore());
    score.addProperty("high_score", 1.0);
    JsonArray scores = new JsonArray();
    scores.add(score);
    o.add("scores", scores);
    o.addProperty("num_examples", r.numExamples());
    o.addProperty("num_multiple_choice_examples", r.numMultipleChoice());
    o.add("skipped_metrics", strings(r.skippedMetrics()));
    o.add("queries", r.queries());
    Path file = taskFile(outputDir, r.task());
    write(file, o);
    return file;
  }

  /** Writes the summary: per task the reported metric, its score and the file. */
  public static Path writeSummary(Path outputDir, JsonObject model,
      List<BigBenchEvaluator.Result> results) throws IOException {
    JsonObject o = new JsonObject();
    o.add("model", model);
    JsonObject tasks = new JsonObject();
    for (BigBenchEvaluator.Result r : results) {
      JsonObject t = new JsonObject();
      t.addProperty("preferred_score", r.task().preferredScore());
      t.addProperty("reported_metric", r.reportedMetric());
      t.addProperty("score", r.scoreDict().get(r.reportedMetric()));
      JsonObject dict = new JsonObject();
      for (Map.Entry<String, Double> e : r.scoreDict().entrySet()) {
        dict.addProperty(e.getKey(), e.getValue());
      }
      t.add("score_dict", dict);
      t.addProperty("num_examples", r.numExamples());
      t.addProperty("results_file", outputDir.relativize(taskFile(outputDir, r.task())).toString());
      tasks.add(r.task().name(), t);
    }
    o.add("tasks", tasks);
    Path file = outputDir.resolve("results.json");
    write(file, o);
    return file;
  }

  /** Moves an existing {@code file} aside to {@code file.backup_NNNNNN}; returns the backup or null. */
  static Path backupExisting(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    for (int i = 1; ; i++) {
      Path backup = file.resolveSibling(file.getFileName() + String.format(".backup_%06d", i));
      if (!Files.exists(backup)) {
        Files.move(file, backup);
        return backup;
      }
    }
  }

  private static void write(Path file, JsonElement json) throws IOException {
    Files.createDirectories(file.getParent());
    backupExisting(file);
    Files.writeString(file, GSON.toJson(json) + "\n");
  }

  private static JsonArray strings(List<String> xs) {
    JsonArray a = new JsonArray();
    xs.forEach(a::add);
    return a;
  }
}
