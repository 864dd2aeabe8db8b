package dev.beaver.app.train;

import static dev.beaver.app.CommandRun.beaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.beaver.app.CommandRun;
import dev.beaver.models.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code beaver rm}, {@code cm} and {@code dpo}: flags, and short real runs end to end. */
class PreferenceCommandsTest {
  @TempDir Path tmp;

  @Test
  void shouldShowSafeRlhfFlagsAndDefaultsInHelp() {
    CommandRun rm = beaver("rm", "--help");
    assertEquals(0, rm.exitCode(), rm.err());
    for (String flag : List.of("--model_name_or_path", "--loss_type", "--regularization",
        "--normalize_score_during_training", "--normalizer_type", "--normalizer_momentum",
        "--train_datasets", "--eval_split_ratio", "--per_device_train_batch_size")) {
      assertTrue(rm.out().contains(flag), flag + " missing from\n" + rm.out());
    }
    assertTrue(rm.out().contains("default: sequence-wise"), rm.out());
    CommandRun cm = beaver("cm", "--help");
    assertEquals(0, cm.exitCode(), cm.err());
    assertTrue(cm.out().contains("Usage: beaver cm"), cm.out());
    assertTrue(cm.out().contains("--loss_type"), cm.out());
    CommandRun dpo = beaver("dpo", "--help");
    assertEquals(0, dpo.exitCode(), dpo.err());
    assertTrue(dpo.out().contains("--scale_coeff"), dpo.out());
    assertTrue(dpo.out().contains("default: 0.02"), dpo.out());
    assertTrue(dpo.out().contains("--dpo_upstream_slice"), dpo.out());
    assertFalse(dpo.out().contains("--loss_type"), dpo.out());
  }

  @Test
  void shouldRejectAnUnknownLossTypeInOneLine() throws IOException {
    CommandRun r = beaver("rm", "--model_name_or_path", SharedData.stories260k().toString(),
        "--train_datasets", "jsonl:1:" + preferences(), "--output_dir",
        tmp.resolve("bad").toString(), "--loss_type", "pair-wise");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--loss_type must be sequence-wise or token-wise"), r.err());
  }

  /** Polite answers are better than rude ones (a rule a tiny model can pick up). */
  private Path preferences() throws IOException {
    String[] q = {"Can you help me?", "Where is the park?", "What is your name?",
        "Can I have a cookie?", "Will you play with me?", "Is it time for bed?"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < q.length; i++) {
      JsonObject o = new JsonObject();
      o.addProperty("input", q[i]);
      o.addProperty("answer", " Yes, of course, my friend. Thank you for asking!");
      o.addProperty("other_answer", " No. Go away, you silly dog.");
      o.addProperty("better", i % 2 == 0);
      if (i % 2 != 0) {
        o.addProperty("answer", " No. Go away, you silly dog.");
        o.addProperty("other_answer", " Yes, of course, my friend. Thank you for asking!");
      }
      o.addProperty("safer", i % 2 == 0);
      o.addProperty("is_safe", i % 2 == 0);
      o.addProperty("is_other_safe", i % 2 != 0);
      lines.add(o.toString());
    }
    Path f = tmp.resolve("pairs.jsonl");
    Files.write(f, lines);
    return f;
  }

  private List<String> runArgs(String stage, Path out, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of(stage,
        "--model_name_or_path", SharedData.stories260k().toString(),
        "--train_datasets", "jsonl:1:" + preferences(),
        "--output_dir", out.toString(),
        "--max_length", "64", "--epochs", "2", "--per_device_train_batch_size", "2",
        "--per_device_eval_batch_size", "2", "--lr", "1e-3", "--log_type", "tensorboard"));
    args.addAll(List.of(extra));
    return args;
  }

  private static List<JsonObject> metrics(Path out) throws IOException {
    List<JsonObject> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      rows.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return rows;
  }

  /** Tensor names in a safetensors file's header. */
  private static JsonObject safetensorsHeader(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  @Test
  void shouldTrainARewardModelAndSaveItInSafeRlhfLayout() throws IOException {
    Path out = tmp.resolve("rm");
    CommandRun r = beaver(runArgs("rm", out, "--need_eval", "--eval_split_ratio", "0.34",
        "--regularization", "0.001", "--normalizer_type", "ExponentialMovingAverage",
        "--normalizer_momentum", "0.9").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    JsonObject config = JsonParser.parseString(Files.readString(out.resolve("config.json")))
        .getAsJsonObject();
    assertEquals("reward", config.get("score_type").getAsString());
    assertEquals("LlamaForScore", config.getAsJsonArray("architectures").get(0).getAsString());
    assertEquals("ExponentialMovingAverage", config.get("normalizer_type").getAsString());
    assertFalse(config.get("do_normalize").getAsBoolean());
    // The EMA statistics moved away from (0, 1) during training and were saved.
    assertTrue(config.getAsJsonArray("mean").get(0).getAsDouble() != 0.0, config.toString());
    JsonObject tensors = safetensorsHeader(out.resolve("model.safetensors"));
    assertTrue(tensors.has("score_head.weight"), tensors.keySet().toString());
    assertFalse(tensors.has("lm_head.weight"), tensors.keySet().toString());
    List<JsonObject> rows = metrics(out);
    assertTrue(rows.stream().anyMatch(o -> o.has("train/accuracy") && o.has("train/loss")));
    assertTrue(rows.stream().anyMatch(o -> o.has("eval/accuracy") && o.has("eval/reward_mean")
        && o.has("eval/reward_std")), rows.toString());
    JsonObject args = JsonParser.parseString(Files.readString(out.resolve("arguments.json")))
        .getAsJsonObject();
    assertEquals("reward", args.get("training_type").getAsString());
    assertEquals(1e-3, args.get("learning_rate").getAsDouble(), 1e-12);
    assertEquals(1e-6, args.get("weight_decay").getAsDouble(), 0.0);
  }

  @Test
  void shouldTrainACostModelWithSignMetrics() throws IOException {
    Path out = tmp.resolve("cm");
    CommandRun r = beaver(runArgs("cm", out, "--loss_type", "token-wise").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    JsonObject config = JsonParser.parseString(Files.readString(out.resolve("config.json")))
        .getAsJsonObject();
    assertEquals("cost", config.get("score_type").getAsString());
    assertTrue(metrics(out).stream().anyMatch(o -> o.has("train/accuracy_sign")));
  }

  @Test
  void shouldTrainDpoAndSaveThePolicyInHuggingFaceLayout() throws IOException {
    Path out = tmp.resolve("dpo");
    CommandRun r = beaver(runArgs("dpo", out, "--scale_coeff", "0.1").toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.err());
    JsonObject config = JsonParser.parseString(Files.readString(out.resolve("config.json")))
        .getAsJsonObject();
    assertEquals("LlamaForCausalLM", config.getAsJsonArray("architectures").get(0).getAsString());
    assertFalse(config.has("score_type"));
    List<JsonObject> rows = metrics(out);
    for (String k : List.of("train/loss", "train/reward", "train/better_sample_reward",
        "train/worse_sample_reward", "train/reward_accuracy", "train/reward_margin")) {
      assertTrue(rows.stream().anyMatch(o -> o.has(k)), k + " missing: " + rows);
    }
    JsonObject args = JsonParser.parseString(Files.readString(out.resolve("arguments.json")))
        .getAsJsonObject();
    assertEquals(0.0, args.get("weight_decay").getAsDouble(), 0.0);
  }
}
