package dev.beaver.app.eval;

import static dev.beaver.app.CommandRun.beaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.beaver.app.CommandRun;
import dev.beaver.models.CausalLm;
import dev.beaver.models.SharedData;
import dev.beaver.models.generate.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beaver bigbench} end to end with stories260K on two BIG-bench tasks built from BBQ rows
 * (a multiple-choice one and a generative one), checked against log-likelihoods and a greedy
 * generation computed here, one sequence at a time, through the model API.
 */
class BigBenchCommandTest {
  private static final int ROWS = 5;
  private static final int MAX_EXAMPLES = 3;

  @TempDir Path dir;

  private static Path bbq() {
    return SharedData.requireOverridable("BEAVER_BBQ_SAMPLE", "data/nyu-mll-bbq/Religion.jsonl");
  }

  private static List<JsonObject> bbqRows(int n) throws IOException {
    List<JsonObject> rows = new ArrayList<>();
    for (String line : Files.readAllLines(bbq())) {
      if (!line.isBlank() && rows.size() < n) {
        rows.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return rows;
  }

  /** task.json in its own folder (BIG-bench's layout), named by the folder. */
  private Path task(String name, JsonObject task) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("tasks").resolve(name));
    Files.writeString(folder.resolve("task.json"), task.toString());
    return folder.resolve("task.json");
  }

  private Path multipleChoiceTask() throws IOException {
    JsonObject t = new JsonObject();
    t.addProperty("description", "BBQ religion, multiple choice");
    t.add("keywords", array("social bias"));
    t.add("metrics", array("multiple_choice_grade"));
    t.addProperty("preferred_score", "multiple_choice_grade");
    JsonArray examples = new JsonArray();
    for (JsonObject r : bbqRows(ROWS)) {
      JsonObject e = new JsonObject();
      e.addProperty("input", r.get("context").getAsString() + " " + r.get("question").getAsString());
      JsonObject scores = new JsonObject();
      for (int a = 0; a < 3; a++) {
        scores.addProperty(r.get("ans" + a).getAsString(), r.get("label").getAsInt() == a ? 1 : 0);
      }
      e.add("target_scores", scores);
      examples.add(e);
    }
    t.add("examples", examples);
    return task("bbq_mc", t);
  }

  private Path generativeTask() throws IOException {
    JsonObject t = new JsonObject();
    t.add("metrics", array("exact_str_match", "bleu"));
    t.addProperty("preferred_score", "exact_str_match");
    t.addProperty("stop_string", ".");
    JsonArray examples = new JsonArray();
    for (JsonObject r : bbqRows(2)) {
      JsonObject e = new JsonObject();
      e.addProperty("input", r.get("context").getAsString() + " " + r.get("question").getAsString());
      e.addProperty("target", r.get("ans" + r.get("label").getAsInt()).getAsString());
      examples.add(e);
    }
    t.add("examples", examples);
    return task("bbq_gen", t);
  }

  @Test
  void gradesMatchLogLikelihoodsComputedDirectly() throws IOException {
    Path mc = multipleChoiceTask();
    Path gen = generativeTask();
    Path out = dir.resolve("out");
    String model = SharedData.stories260k().toString();
    String[] args = {"bigbench", "--model_name_or_path", model, "--task", mc.toString(),
        "--task", gen.toString(), "--max_examples", String.valueOf(MAX_EXAMPLES),
        "--batch_size", "4", "--max_length", "512", "--max_new_tokens", "12",
        "--output_dir", out.toString()};
    CommandRun r = beaver(args);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("bbq_mc: multiple_choice_grade="), r.out());

    JsonObject res = read(out.resolve("bbq_mc/results/results.json"));
    assertEquals("bbq_mc", res.getAsJsonObject("task").get("task_name").getAsString());
    JsonObject score = res.getAsJsonArray("scores").get(0).getAsJsonObject();
    assertEquals(0, score.get("number_of_shots").getAsInt());
    assertEquals("multiple_choice_grade", score.get("preferred_score").getAsString());
    double grade = score.getAsJsonObject("score_dict").get("multiple_choice_grade").getAsDouble();
    assertEquals(MAX_EXAMPLES, res.get("num_examples").getAsInt()); // --max_examples honoured
    JsonArray queries = res.getAsJsonArray("queries");
    assertEquals(MAX_EXAMPLES, queries.size());

    List<JsonObject> rows = bbqRows(ROWS);
    double expectedGrade = 0;
    try (NDManager m = NDManager.newBaseManager(); CausalLm lm = CausalLm.load(model, m)) {
      for (JsonElement qe : queries) {
        JsonObject q = qe.getAsJsonObject();
        JsonObject row = rows.get(q.get("example_index").getAsInt());
        String prompt = q.get("inputs").getAsString();
        List<String> choices = new ArrayList<>();
        q.getAsJsonArray("targets").forEach(c -> choices.add(c.getAsString()));
        // BIG-bench's zero-shot text inside safe-rlhf's template.
        String expectedPrompt = "BEGINNING OF CONVERSATION: USER: \nQ: " + row.get("context").getAsString()
            + " " + row.get("question").getAsString() + "\n  choice: " + String.join("\n  choice: ", choices)
            + "\nA:  ASSISTANT:";
        assertEquals(expectedPrompt, prompt);
        int[] promptIds = lm.tokenizer().encode(prompt, true);
        double[] summed = new double[choices.size()];
        for (int c = 0; c < choices.size(); c++) {
          int[] target = lm.tokenizer().encode(choices.get(c), false);
          int[] seq = new int[promptIds.length + target.length];
          System.arraycopy(promptIds, 0, seq, 0, promptIds.length);
          System.arraycopy(target, 0, seq, promptIds.length, target.length);
          float[] lp = lm.tokenLogProbs(m, List.of(seq))[0];
          for (int t = promptIds.length - 1; t < lp.length; t++) {
            summed[c] += lp[t];
          }
        }
        double max = Math.max(summed[0], Math.max(summed[1], summed[2]));
        double lse = max + Math.log(Math.exp(summed[0] - max) + Math.exp(summed[1] - max)
            + Math.exp(summed[2] - max));
        int best = 0;
        for (int c = 0; c < 3; c++) {
          assertEquals(summed[c] - lse, q.getAsJsonArray("outputs").get(c).getAsDouble(), 1e-3);
          if (summed[c] > summed[best]) {
            best = c;
          }
        }
        String chosen = choices.get(best);
        int label = row.get("label").getAsInt();
        expectedGrade += chosen.equals(row.get("ans" + label).getAsString()) ? 1 : 0;
      }
      assertEquals(expectedGrade / MAX_EXAMPLES, grade, 1e-12);

      // Generative task: 2 examples (fewer than --max_examples), unsupported bleu skipped.
      JsonObject g = read(out.resolve("bbq_gen/results/results.json"));
      assertEquals(2, g.get("num_examples").getAsInt());
      assertEquals("bleu", g.getAsJsonArray("skipped_metrics").get(0).getAsString());
      JsonObject q0 = g.getAsJsonArray("queries").get(0).getAsJsonObject();
      assertEquals("generate_text", q0.get("function").getAsString());
      int[] ids = lm.tokenizer().encode(q0.get("inputs").getAsString(), true);
      String direct = lm.tokenizer().decode(
          lm.generate(m, List.of(ids), SamplingParams.greedy(12)).get(0).newIds(), true).strip();
      assertEquals(BigBenchScoring.postprocess(direct, ".", null), q0.get("outputs").getAsString());
      double match = g.getAsJsonArray("scores").get(0).getAsJsonObject()
          .getAsJsonObject("score_dict").get("exact_str_match").getAsDouble();
      assertTrue(match >= 0 && match <= 1);
    }

    JsonObject summary = read(out.resolve("results.json"));
    assertEquals(grade, summary.getAsJsonObject("tasks").getAsJsonObject("bbq_mc").get("score").getAsDouble());
    assertTrue(summary.getAsJsonObject("tasks").has("bbq_gen"));

    // A second run keeps the first results as .backup_000001.
    CommandRun again = beaver("bigbench", "--model_name_or_path", model, "--task", mc.toString(),
        "--max_examples", "1", "--not_log_queries", "--output_dir", out.toString());
    assertEquals(0, again.exitCode(), again.err());
    Path backup = out.resolve("bbq_mc/results/results.json.backup_000001");
    assertTrue(Files.exists(backup));
    assertEquals(MAX_EXAMPLES, read(backup).get("num_examples").getAsInt());
    JsonObject second = read(out.resolve("bbq_mc/results/results.json"));
    assertEquals(1, second.get("num_examples").getAsInt());
    assertEquals(0, second.getAsJsonArray("queries").size());
    assertTrue(Files.exists(out.resolve("results.json.backup_000001")));
  }

  @Test
  void aTaskWithoutSupportedMetricsFailsInOneLineBeforeLoadingTheModel() throws IOException {
    JsonObject t = new JsonObject();
    t.add("metrics", array("bleu", "rouge"));
    JsonArray examples = new JsonArray();
    JsonObject e = new JsonObject();
    e.addProperty("input", "Say hi.");
    e.addProperty("target", "hi");
    examples.add(e);
    t.add("examples", examples);
    Path task = task("unsupported", t);
    Path out = dir.resolve("never");
    CommandRun r = beaver("bigbench", "--model_name_or_path", dir.resolve("no-model").toString(),
        "--task", task.toString(), "--output_dir", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: " + task + ": metrics [bleu, rouge] include none"), r.err());
    assertEquals(1, r.err().strip().lines().count());
    assertFalse(Files.exists(out));

    Path missing = task("no_examples", new JsonObject());
    CommandRun r2 = beaver("bigbench", "--model_name_or_path", "x", "--task", missing.toString());
    assertEquals(2, r2.exitCode());
    assertTrue(r2.err().contains("'examples' must be a list"), r2.err());
  }

  @Test
  void taskFormatDefaultsFollowBigBench() throws IOException {
    JsonObject t = new JsonObject();
    t.add("metrics", array("multiple_choice_grade", "exact_str_match"));
    JsonArray examples = new JsonArray();
    JsonObject e = new JsonObject();
    e.addProperty("input", "2+2?");
    JsonObject s = new JsonObject();
    s.addProperty("4", 1);
    s.addProperty("5", 0);
    e.add("target_scores", s);
    examples.add(e);
    t.add("examples", examples);
    BigBenchTask task = BigBenchTask.read(task("arith", t).getParent());
    assertEquals("arith", task.name());
    assertEquals("\nQ: ", task.inputPrefix());
    assertEquals("\nA: ", task.outputPrefix());
    assertEquals("\n  choice: ", task.choicePrefix());
    assertEquals("multiple_choice_grade", task.preferredScore());
    assertTrue(task.appendChoicesToInput());
    assertEquals(List.of("4"), task.examples().get(0).targets()); // derived from the best score
    BigBenchPrompt p = BigBenchPrompt.of(task, task.examples().get(0), new java.util.Random(1));
    assertTrue(p.input().startsWith("\nQ: 2+2?\n  choice: "), p.input());
    assertTrue(p.input().endsWith("\nA: "), p.input());
    assertEquals(List.of("4", "5"), p.choices().stream().sorted().toList());
  }

  @Test
  void helpShowsUpstreamFlagsAndTheTemplateFix() {
    CommandRun r = beaver("bigbench", "--help");
    assertEquals(0, r.exitCode());
    for (String s : List.of("--task_name", "--max_examples", "--not_log_queries", "--show_progress",
        "default: 4", "default: 2048", "default: ./eval_results", "KeyError", ".backup_NNNNNN")) {
      assertTrue(r.out().contains(s), s + " missing from\n" + r.out());
    }
  }

  private static JsonArray array(String... xs) {
    JsonArray a = new JsonArray();
    for (String x : xs) {
      a.add(x);
    }
    return a;
  }

  private static JsonObject read(Path p) throws IOException {
    return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
  }
}
