package dev.beaver.app.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.beaver.models.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BIG-bench JSON task ({@code task.json}, BIG-bench's {@code JsonTask} format): examples with
 * an {@code input} and either {@code target_scores} (multiple choice: choice -> score) or {@code
 * target} (generative: a string or a list of acceptable strings), plus the formatting keys with
 * BIG-bench's defaults.
 *
 * @param name the task name (the JSON's {@code name}, else the folder of a {@code task.json},
 *     else the file name without extension)
 * @param source the file read
 * @param metrics the task's {@code metrics}
 * @param preferredScore {@code preferred_score}, or the first metric when absent
 * @param taskPrefix {@code task_prefix}, default ""
 * @param inputPrefix {@code example_input_prefix}, default "\nQ: "
 * @param outputPrefix {@code example_output_prefix}, default "\nA: "
 * @param choicePrefix {@code choice_prefix}, default "\n  choice: "
 * @param appendChoicesToInput {@code append_choices_to_input}, default true
 * @param outputRegex {@code output_regex} or null
 * @param stopString {@code stop_string} or null
 */
public record BigBenchTask(
    String name,
    Path source,
    String description,
    List<String> keywords,
    List<String> metrics,
    String preferredScore,
    String taskPrefix,
    String inputPrefix,
    String outputPrefix,
    String choicePrefix,
    boolean appendChoicesToInput,
    String outputRegex,
    String stopString,
    List<Example> examples) {

  /**
   * One example.
   *
   * @param index its position in the file's {@code examples}
   * @param targetScores choice -> score in file order, or null for a generative-only example
   * @param targets acceptable outputs: {@code target} (string or list) or, when absent, the
   *     choices with the highest score (as BIG-bench derives it)
   */
  public record Example(int index, String input, Map<String, Double> targetScores,
      List<String> targets) {
    public boolean isMultipleChoice() {
      return targetScores != null;
    }
  }

  /** Reads {@code path}: a task.json file, or a folder holding one. */
  public static BigBenchTask read(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("task.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("--task " + path + ": no such task file"
          + (Files.isDirectory(path) ? " (the folder has no task.json)" : "")
          + "; give a BIG-bench task.json or its folder");
    }
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(Files.readString(file));
      if (!e.isJsonObject()) {
        throw new InvalidInputException(file + ": a BIG-bench task must be a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (IOException | JsonParseException e) {
      throw new InvalidInputException(file + ": not readable JSON: " + e.getMessage());
    }
    if (o.has("subtasks") && !o.has("examples")) {
      throw new InvalidInputException(file + ": tasks with 'subtasks' are not supported; pass each"
          + " subtask's task.json with its own --task");
    }
    JsonArray rawExamples = array(o, "examples", file);
    if (rawExamples.isEmpty()) {
      throw new InvalidInputException(file + ": 'examples' is empty");
    }
    List<String> metrics = strings(o, "metrics", file);
    if (metrics.isEmpty()) {
      throw new InvalidInputException(file + ": 'metrics' must list at least one metric, e.g."
          + " [\"multiple_choice_grade\"] or [\"exact_str_match\"]");
    }
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < rawExamples.size(); i++) {
      examples.add(example(rawExamples.get(i), i, file));
    }
    String name = o.has("name") ? string(o, "name", null, file) : defaultName(file);
    return new BigBenchTask(
        name,
        file,
        string(o, "description", "", file),
        o.has("keywords") ? strings(o, "keywords", file) : List.of(),
        metrics,
        string(o, "preferred_score", metrics.get(0), file),
        string(o, "task_prefix", "", file),
        string(o, "example_input_prefix", "\nQ: ", file),
        string(o, "example_output_prefix", "\nA: ", file),
        string(o, "choice_prefix", "\n  choice: ", file),
        bool(o, "append_choices_to_input", true, file),
        string(o, "output_regex", null, file),
        string(o, "stop_string", null, file),
        List.copyOf(examples));
  }

  /** Name safe as a folder name: what is not a letter, digit, '.', '_' or '-' becomes '_'. */
  public String folderName() {
    String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "task" : s;
  }

  private static String defaultName(Path file) {
    String f = file.getFileName().toString();
    if (f.equals("task.json") && file.toAbsolutePath().getParent() != null
        && file.toAbsolutePath().getParent().getFileName() != null) {
      return file.toAbsolutePath().getParent().getFileName().toString();
    }
    return f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
  }

  private static Example example(JsonElement e, int i, Path file) {
    String where = file + ": examples[" + i + "]";
    if (!e.isJsonObject()) {
      throw new InvalidInputException(where + " must be an object with 'input' and 'target' or"
          + " 'target_scores'");
    }
    JsonObject o = e.getAsJsonObject();
    if (!o.has("input") || !o.get("input").isJsonPrimitive()) {
      throw new InvalidInputException(where + " has no string 'input'");
    }
    Map<String, Double> scores = null;
    if (o.has("target_scores")) {
      if (!o.get("target_scores").isJsonObject() || o.getAsJsonObject("target_scores").size() == 0) {
        throw new InvalidInputException(where + ".target_scores must be a non-empty object"
            + " {choice: score}");
      }
      scores = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> c : o.getAsJsonObject("target_scores").entrySet()) {
        try {
          scores.put(c.getKey(), c.getValue().getAsDouble());
        } catch (RuntimeException bad) {
          throw new InvalidInputException(where + ".target_scores[\"" + c.getKey()
              + "\"] must be a number, was " + c.getValue());
        }
      }
    }
    List<String> targets = new ArrayList<>();
    if (o.has("target")) {
      JsonElement t = o.get("target");
      if (t.isJsonArray()) {
        for (JsonElement x : t.getAsJsonArray()) {
          targets.add(x.getAsString());
        }
      } else if (t.isJsonPrimitive()) {
        targets.add(t.getAsString());
      } else {
        throw new InvalidInputException(where + ".target must be a string or a list of strings");
      }
    } else if (scores != null) {
      double max = scores.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      scores.forEach((k, v) -> {
        if (v == max) {
          targets.add(k);
        }
      });
    } else {
      throw new InvalidInputException(where + " has neither 'target' nor 'target_scores'");
    }
    return new Example(i, o.get("input").getAsString(),
        scores == null ? null : java.util.Collections.unmodifiableMap(scores), List.copyOf(targets));
  }

  private static JsonArray array(JsonObject o, String key, Path file) {
    if (!o.has(key) || !o.get(key).isJsonArray()) {
      throw new InvalidInputException(file + ": '" + key + "' must be a list");
    }
    return o.getAsJsonArray(key);
  }

  private static List<String> strings(JsonObject o, String key, Path file) {
    List<String> out = new ArrayList<>();
    for (JsonElement e : array(o, key, file)) {
      if (!e.isJsonPrimitive()) {
        throw new InvalidInputException(file + ": '" + key + "' must be a list of strings");
      }
      out.add(e.getAsString());
    }
    return List.copyOf(out);
  }

  private static String string(JsonObject o, String key, String fallback, Path file) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    if (!o.get(key).isJsonPrimitive()) {
      throw new InvalidInputException(file + ": '" + key + "' must be a string");
    }
    return o.get(key).getAsString();
  }

  private static boolean bool(JsonObject o, String key, boolean fallback, Path file) {
    if (!o.has(key) || o.get(key).isJsonNull()) {
      return fallback;
    }
    if (!o.get(key).isJsonPrimitive() || !o.get(key).getAsJsonPrimitive().isBoolean()) {
      throw new InvalidInputException(file + ": '" + key + "' must be true or false");
    }
    return o.get(key).getAsBoolean();
  }
}
