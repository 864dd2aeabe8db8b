package dev.beaver.app.eval;

import static dev.beaver.app.CommandRun.beaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.beaver.app.CommandRun;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.SharedData;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beaver eval-reward} / {@code eval-cost} end to end: the stories260K-based safe-rlhf
 * score model of the parity set on the 13 PKU-SafeRLHF sample rows.
 */
class ScoreEvalCommandsTest {
  private static final int MAX_LENGTH = 512; // upstream default; shorter cuts make some pairs identical
  private static final int BATCH = 4;

  @TempDir Path dir;

  private static Path scoreModel() {
    return SharedData.requireOverridable("BEAVER_PARITY_SCORE_MODEL", "reference/parity/llama-score");
  }

  private static Path pku() {
    return SharedData.requireOverridable(
        "BEAVER_PKU_SAFERLHF_SAMPLE", "data/pku-saferlhf/test-Alpaca3-8B.sample13.jsonl");
  }

  private CommandRun run(String command, Path out) {
    return run(command, out, "1");
  }

  private CommandRun run(String command, Path out, String proportion) {
    return beaver(command, "--model_name_or_path", scoreModel().toString(),
        "--datasets", "PKU-SafeRLHF/test:" + proportion + ":" + pku(), "--output_dir", out.toString(),
        "--max_length", String.valueOf(MAX_LENGTH), "--per_device_eval_batch_size",
        String.valueOf(BATCH));
  }

  @Test
  void evalCostWritesUpstreamsFilesAndNumbers() throws IOException {
    Path out = dir.resolve("cost");
    CommandRun r = run("eval-cost", out);
    assertEquals(0, r.exitCode(), r.err());
    Matcher line = Pattern.compile(
        "accuracy: (\\d\\.\\d{4}), accuracy_sign: (\\d\\.\\d{4}), scores: (\\S+)").matcher(r.out());
    assertTrue(line.find(), r.out());

    float[] all = readNpy(out.resolve("scores.npy"));
    assertEquals(26, all.length); // 13 pairs
    float[] safe = readNpy(out.resolve("safe_scores.npy"));
    float[] unsafe = readNpy(out.resolve("unsafe_scores.npy"));
    assertEquals(26, safe.length + unsafe.length);
    List<JsonObject> rows = rows();
    int labeledSafe = 0;
    for (JsonObject row : rows) {
      labeledSafe += (row.get("is_response_0_safe").getAsBoolean() ? 1 : 0)
          + (row.get("is_response_1_safe").getAsBoolean() ? 1 : 0);
    }
    assertEquals(labeledSafe, safe.length);

    // Recompute the printed numbers from scores.npy: per batch B safer then B unsafer.
    int correct = 0;
    int rightSign = 0;
    float quirk = 0f;
    int batches = 0;
    for (int start = 0; start < 13; start += BATCH) {
      int b = Math.min(BATCH, 13 - start);
      float saferSum = 0f;
      for (int i = 0; i < b; i++) {
        float safer = all[2 * start + i];
        float unsafer = all[2 * start + b + i];
        JsonObject row = rows.get(start + i);
        boolean saferIs0 = row.get("safer_response_id").getAsInt() == 0;
        boolean saferSafe = row.get(saferIs0 ? "is_response_0_safe" : "is_response_1_safe").getAsBoolean();
        boolean unsaferSafe = row.get(saferIs0 ? "is_response_1_safe" : "is_response_0_safe").getAsBoolean();
        correct += safer < unsafer ? 1 : 0;
        rightSign += safer * (saferSafe ? 1 : -1) < 0 ? 1 : 0;
        rightSign += unsafer * (unsaferSafe ? 1 : -1) < 0 ? 1 : 0;
        saferSum += safer;
      }
      quirk += saferSum / b;
      batches++;
    }
    assertEquals(String.format(java.util.Locale.ROOT, "%.4f", correct / 13.0), line.group(1));
    assertEquals(String.format(java.util.Locale.ROOT, "%.4f", rightSign / 26.0), line.group(2));
    assertEquals(quirk / batches, Float.parseFloat(line.group(3)), 1e-6);

    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("eval.json"))).getAsJsonObject();
    assertEquals(13, json.get("num_pairs").getAsInt());
    assertEquals(26, json.get("num_scores").getAsInt());
    assertEquals(labeledSafe, json.get("num_safe").getAsInt());
    assertEquals(correct / 13.0, json.get("accuracy").getAsDouble(), 1e-12);
    assertEquals(rightSign / 26.0, json.get("accuracy_sign").getAsDouble(), 1e-12);

    for (String png : List.of("distribution.png", "safe_distribution.png", "unsafe_distribution.png")) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertTrue(img.getWidth() > 100 && img.getHeight() > 100, png);
    }
    List<String> text = Files.readAllLines(out.resolve("scores.txt"));
    assertEquals(26, text.size());

    // The first safer response scored independently through the model API (another code path:
    // the template, the tokenizer's own truncation and ScoreModel.endScores).
    JsonObject row0 = rows.get(0);
    String saferAnswer = row0.get(row0.get("safer_response_id").getAsInt() == 0 ? "response_0" : "response_1")
        .getAsString();
    try (NDManager m = NDManager.newBaseManager();
        ScoreModel sm = ScoreModel.load(scoreModel().toString(), m)) {
      String full = PromptTemplate.fullText(PromptTemplate.prompt(row0.get("prompt").getAsString()),
          saferAnswer, sm.tokenizer().eosToken());
      float direct = sm.endScores(m, List.of(sm.tokenizer().encode(full, true, MAX_LENGTH)))[0][0];
      assertEquals(direct, all[0], 1e-4);
      String[] first = text.get(0).split("\t");
      assertEquals(direct, Float.parseFloat(first[1]), 1e-4);
      assertTrue(first[0].startsWith("BEGINNING OF CONVERSATION: USER: Is there a way"), first[0]);
    }
  }

  @Test
  void evalRewardPrintsTheWorseHalfQuirk() throws IOException {
    Path out = dir.resolve("reward");
    CommandRun r = run("eval-reward", out, "0.5"); // a seeded half of the rows keeps the test short
    assertEquals(0, r.exitCode(), r.err());
    Matcher line = Pattern.compile("accuracy: (\\d\\.\\d{4}), scores: (\\S+)").matcher(r.out());
    assertTrue(line.find(), r.out());
    float[] all = readNpy(out.resolve("scores.npy"));
    int n = all.length / 2;
    assertTrue(n >= 6 && n <= 7, "round(13 x 0.5) pairs, got " + n);
    int correct = 0;
    float quirk = 0f;
    int batches = 0;
    for (int start = 0; start < n; start += BATCH) {
      int b = Math.min(BATCH, n - start);
      float worseSum = 0f;
      for (int i = 0; i < b; i++) {
        correct += all[2 * start + i] > all[2 * start + b + i] ? 1 : 0;
        worseSum += all[2 * start + b + i];
      }
      quirk += worseSum / b;
      batches++;
    }
    assertEquals(String.format(java.util.Locale.ROOT, "%.4f", correct / (double) n), line.group(1));
    assertEquals(quirk / batches, Float.parseFloat(line.group(2)), 1e-6);
    assertEquals(2 * n, Files.readAllLines(out.resolve("scores.txt")).size());
    assertTrue(Files.exists(out.resolve("distribution.png")));
    assertFalse(Files.exists(out.resolve("safe_scores.npy")));
    JsonObject json = JsonParser.parseString(Files.readString(out.resolve("eval.json"))).getAsJsonObject();
    assertEquals(n, json.get("num_pairs").getAsInt());
    assertEquals(2 * n, json.get("num_scores").getAsInt());
    assertEquals("cost", json.get("score_type").getAsString()); // the parity model is a cost model
  }

  @Test
  void aBadDatasetSpecIsOneErrorLineAndNothingWritten() {
    Path out = dir.resolve("bad");
    CommandRun r = beaver("eval-cost", "--model_name_or_path", scoreModel().toString(),
        "--datasets", "PKU-SafeRLHF/test:1:" + pku() + ":extra", "--output_dir", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(out));
    CommandRun unknown = beaver("eval-reward", "--model_name_or_path", scoreModel().toString(),
        "--datasets", "no-such-dataset", "--output_dir", out.toString());
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("unknown dataset name 'no-such-dataset'"), unknown.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void helpDocumentsTheOutputsAndTheQuirk() {
    CommandRun r = beaver("eval-reward", "--help");
    assertEquals(0, r.exitCode());
    for (String s : List.of("scores.txt", "scores_<rank>.txt", "scores.npy", "distribution.png",
        "eval.json", "WORSE", "--per_device_eval_batch_size", "default: 16", "default: 512")) {
      assertTrue(r.out().contains(s), s + " missing from\n" + r.out());
    }
    CommandRun c = beaver("eval-cost", "--help");
    assertTrue(c.out().contains("safe_scores.npy") && c.out().contains("SAFER"), c.out());
  }

  private static List<JsonObject> rows() throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String l : Files.readAllLines(pku())) {
      if (!l.isBlank()) {
        out.add(JsonParser.parseString(l).getAsJsonObject());
      }
    }
    return out;
  }

  /** A 1-D float32 .npy: the header length from bytes 8-9, then the data. */
  private static float[] readNpy(Path f) throws IOException {
    byte[] b = Files.readAllBytes(f);
    int headerLen = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    String header = new String(b, 10, headerLen, java.nio.charset.StandardCharsets.US_ASCII);
    assertTrue(header.contains("'descr': '<f4'"), header);
    int n = (b.length - 10 - headerLen) / 4;
    assertTrue(header.contains("'shape': (" + n + ",)"), header);
    ByteBuffer data = ByteBuffer.wrap(b, 10 + headerLen, 4 * n).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = data.getFloat();
    }
    return out;
  }
}
