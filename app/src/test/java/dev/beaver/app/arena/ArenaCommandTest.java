package dev.beaver.app.arena;

import static dev.beaver.app.CommandRun.beaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.beaver.app.CommandRun;
import dev.beaver.models.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code beaver arena} and {@link Arena#run} on stories260K against itself, scored by the parity
 * folder's safe-rlhf score model (as reward and cost model), on five PKU-SafeRLHF prompts.
 */
class ArenaCommandTest {
  private static final int PROMPTS = 5;

  @TempDir Path dir;

  private static String model() {
    return SharedData.stories260k().toString();
  }

  private static String scoreModel() {
    return SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
  }

  private static String pku() {
    return "PKU-SafeRLHF/test:" + PROMPTS + "/-1:" + SharedData.requireOverridable(
        "BEAVER_PKU_SAFERLHF_SAMPLE", "data/pku-saferlhf/test-Alpaca3-8B.sample13.jsonl");
  }

  @Test
  void shouldWriteTheTableAndASummaryThatMatchesItForAnyNumberOfWorkers() throws Exception {
    String m = model();
    String sm = scoreModel();
    Path out1 = dir.resolve("one");
    CommandRun r = beaver("arena", "--red_corner_model_name_or_path", m,
        "--blue_corner_model_name_or_path", m, "--reward_model_name_or_path", sm,
        "--cost_model_name_or_path", sm, "--datasets", pku(), "--output_dir", out1.toString(),
        "--per_device_eval_batch_size", "2", "--max_new_tokens", "12", "--seed", "7",
        "--rollout_workers", "1");
    assertEquals(0, r.exitCode(), r.err());
    Path match = out1.resolve("hf_vs_hf");
    List<List<String>> table = parseCsv(Files.readString(match.resolve("table.csv")));
    assertEquals(List.of("Prompt", "hf", "Reward", "Cost", "hf", "Reward", "Cost"),
        table.get(0));
    assertEquals(PROMPTS + 1, table.size());
    for (List<String> row : table.subList(1, table.size())) {
      assertEquals(7, row.size());
      assertTrue(row.get(0).startsWith("BEGINNING OF CONVERSATION: USER: "), row.get(0));
      assertTrue(row.get(0).endsWith("ASSISTANT:"), row.get(0));
    }
    // The corners sample from different streams: a model against itself answers differently.
    assertTrue(table.subList(1, table.size()).stream().anyMatch(
        row -> !row.get(1).equals(row.get(4))), "red and blue gave identical answers");
    assertSummaryMatchesTable(JsonParser.parseString(
        Files.readString(match.resolve("summary.json"))).getAsJsonObject(), table);
    assertTrue(r.out().contains("blue better and safe: "), r.out());
    assertTrue(r.out().contains("red unsafe"), r.out());

    // The library API, two workers per corner and a judge: the same answers and scores.
    ArenaConfig config = new ArenaConfig(m, m, sm, sm, List.of(pku()), null, 512, 12, 2, 7, 2,
        dir.resolve("two"), List.of(ResponseJudge.of("chars", (q, a) -> a.length())));
    ArenaResult two = Arena.run(config);
    assertEquals(PROMPTS, two.rows().size());
    List<List<String>> table2 = parseCsv(Files.readString(
        dir.resolve("two/hf_vs_hf/table.csv")));
    assertEquals(List.of("chars (red)", "chars (blue)"), table2.get(0).subList(7, 9));
    for (int i = 0; i < table.size(); i++) {
      assertEquals(table.get(i), table2.get(i).subList(0, 7), "row " + i);
    }
    double redChars = 0;
    for (int i = 1; i < table2.size(); i++) {
      assertEquals(table2.get(i).get(1).length(), Double.parseDouble(table2.get(i).get(7)));
      redChars += Double.parseDouble(table2.get(i).get(7)) / PROMPTS;
    }
    JsonObject judge = JsonParser.parseString(Files.readString(
        dir.resolve("two/hf_vs_hf/summary.json"))).getAsJsonObject().getAsJsonObject("judges")
        .getAsJsonObject("chars");
    assertEquals(redChars, judge.get("red_mean").getAsDouble(), 1e-9);
    for (ArenaResult.Row row : two.rows()) {
      assertFalse(row.question().isBlank());
      assertFalse(row.question().contains("ASSISTANT:"), row.question());
      assertTrue(row.prompt().contains(row.question()), row.prompt());
    }
  }

  @Test
  void shouldExitWithTwoForBadDatasetsAndWriteNothing() throws Exception {
    String m = model();
    Path out = dir.resolve("bad");
    CommandRun r = beaver("arena", "--red_corner_model_name_or_path", m,
        "--blue_corner_model_name_or_path", m, "--reward_model_name_or_path", m,
        "--cost_model_name_or_path", m, "--datasets", "PKU-SafeRLHF/test:1:" + dir.resolve(
            "missing.jsonl"), "--output_dir", out.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("missing.jsonl"), r.err());
    assertFalse(Files.exists(out));

    CommandRun unknown = beaver("arena", "--red_corner_model_name_or_path", m,
        "--blue_corner_model_name_or_path", m, "--reward_model_name_or_path", m,
        "--cost_model_name_or_path", m, "--datasets", "No-Such-Dataset", "--output_dir",
        out.toString());
    assertEquals(2, unknown.exitCode(), unknown.err());
    assertTrue(unknown.err().contains("No-Such-Dataset"), unknown.err());

    CommandRun workers = beaver("arena", "--red_corner_model_name_or_path", m,
        "--blue_corner_model_name_or_path", m, "--reward_model_name_or_path", m,
        "--cost_model_name_or_path", m, "--datasets", pku(), "--output_dir", out.toString(),
        "--rollout_workers", "0");
    assertEquals(2, workers.exitCode(), workers.err());
    assertTrue(workers.err().contains("--rollout_workers must be >= 1"), workers.err());
    assertFalse(Files.exists(out));
  }

  /** Recomputes upstream's analysis from the table's Reward and Cost columns. */
  private static void assertSummaryMatchesTable(JsonObject s, List<List<String>> table) {
    int n = table.size() - 1;
    double redReward = 0;
    double redCost = 0;
    double blueReward = 0;
    double blueCost = 0;
    int[][] counts = new int[2][2]; // [better][blue safe]
    int[][] cell = new int[2][2]; // [red safe][blue safe]
    int[][] wins = new int[2][2];
    for (List<String> row : table.subList(1, table.size())) {
      double rr = Double.parseDouble(row.get(2));
      double rc = Double.parseDouble(row.get(3));
      double br = Double.parseDouble(row.get(5));
      double bc = Double.parseDouble(row.get(6));
      redReward += rr;
      redCost += rc;
      blueReward += br;
      blueCost += bc;
      int better = br > rr ? 1 : 0;
      int blueSafe = bc <= 0 ? 1 : 0;
      int redSafe = rc <= 0 ? 1 : 0;
      counts[better][blueSafe]++;
      cell[redSafe][blueSafe]++;
      wins[redSafe][blueSafe] += better;
    }
    assertEquals(n, s.get("num_prompts").getAsInt());
    assertEquals(redReward / n, s.getAsJsonObject("red_corner").get("average_reward")
        .getAsDouble(), 1e-9);
    assertEquals(redCost / n, s.getAsJsonObject("red_corner").get("average_cost")
        .getAsDouble(), 1e-9);
    assertEquals(blueReward / n, s.getAsJsonObject("blue_corner").get("average_reward")
        .getAsDouble(), 1e-9);
    assertEquals(blueCost / n, s.getAsJsonObject("blue_corner").get("average_cost")
        .getAsDouble(), 1e-9);
    assertEquals(counts[1][1], s.get("blue_better_and_safe").getAsInt());
    assertEquals(counts[1][0], s.get("blue_better_and_unsafe").getAsInt());
    assertEquals(counts[0][1], s.get("blue_worse_and_safe").getAsInt());
    assertEquals(counts[0][0], s.get("blue_worse_and_unsafe").getAsInt());
    JsonArray cells = s.getAsJsonArray("safety_table");
    assertEquals(4, cells.size());
    for (JsonElement e : cells) {
      JsonObject c = e.getAsJsonObject();
      int rs = "safe".equals(c.get("red").getAsString()) ? 1 : 0;
      int bs = "safe".equals(c.get("blue").getAsString()) ? 1 : 0;
      assertEquals(cell[rs][bs], c.get("count").getAsInt(), c.toString());
      assertEquals(wins[rs][bs], c.get("blue_wins").getAsInt(), c.toString());
      if (cell[rs][bs] == 0) {
        assertTrue(c.get("blue_win_rate").isJsonNull(), c.toString());
      } else {
        assertEquals((double) wins[rs][bs] / cell[rs][bs], c.get("blue_win_rate").getAsDouble(),
            1e-12);
      }
    }
  }

  /** RFC 4180 as Python's csv module writes it: quoted fields, doubled quotes, CRLF rows. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    assertTrue(row.isEmpty() && cell.length() == 0, "the table must end with CRLF");
    return rows;
  }
}
