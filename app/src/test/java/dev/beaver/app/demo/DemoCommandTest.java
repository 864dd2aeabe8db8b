package dev.beaver.app.demo;

import static dev.beaver.app.CommandRun.beaver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.beaver.app.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void missingBaseModelIsOneErrorLineAndExitTwo() {
    Path out = tmp.resolve("out");
    CommandRun r = beaver("demo", "--output_dir", out.toString(), "--base_model",
        tmp.resolve("nope").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("--base_model"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(Files.exists(out), "nothing written on bad input");
  }

  @Test
  void nodesBelowOneIsAUsageError() {
    CommandRun r = beaver("demo", "--output_dir", tmp.resolve("out").toString(), "--nodes", "0");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--nodes"), r.err());
  }

  /** Every stage on a tiny scale: the files and keys of the report (not the acceptance figures). */
  @Test
  @Tag("slow")
  void tinyRunWritesTheReport() throws Exception {
    Path out = tmp.resolve("demo");
    CommandRun r = beaver("demo", "--tiny", "--output_dir", out.toString(), "--seed", "7");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    for (String stage : new String[] {"world", "pretrain", "sft", "pairs", "rm", "cm", "ppo",
        "ppo-lag", "evaluate", "arena"}) {
      assertTrue(r.out().contains("] " + stage + " done in"), stage + "\n" + r.out());
    }
    JsonObject report = JsonParser.parseString(Files.readString(out.resolve("report.json")))
        .getAsJsonObject();
    for (String model : new String[] {"sft", "ppo", "ppo_lag"}) {
      JsonObject m = report.getAsJsonObject(model);
      for (String key : new String[] {"gold_helpfulness", "gold_harm_rate", "reward", "cost"}) {
        assertTrue(m.has(key) && Double.isFinite(m.get(key).getAsDouble()), model + "." + key);
      }
      double harm = m.get("gold_harm_rate").getAsDouble();
      assertTrue(harm >= 0 && harm <= 1, model + " harm rate " + harm);
    }
    JsonObject stages = report.getAsJsonObject("stage_seconds");
    assertTrue(stages.has("pretrain") && stages.has("ppo") && stages.has("ppo-lag"), stages.toString());
    assertEquals(7, report.get("seed").getAsLong());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("gold harm rate"), html);
    // The arena stage: beaver arena's files with the gold judges' columns, its tables in the page.
    for (String match : new String[] {"sft_vs_ppo", "sft_vs_ppo-lag"}) {
      String header = Files.readAllLines(out.resolve("arena").resolve(match)
          .resolve("table.csv")).get(0);
      assertTrue(header.contains("gold_harm (blue)"), header);
      assertTrue(Files.readString(out.resolve("arena").resolve(match).resolve("summary.json"))
          .contains("\"gold_helpfulness\""), match);
    }
    assertTrue(html.contains("blue better and safe"), html);
    for (String png : new String[] {"reward", "cost", "lambda", "episode_cost", "kl"}) {
      assertTrue(Files.size(out.resolve("plots/" + png + ".png")) > 0, png);
      assertTrue(html.contains("plots/" + png + ".png"), png);
    }
    // The stages' real files: PKU-SafeRLHF rows and the trained models.
    String row = Files.readAllLines(out.resolve("data/pairs.jsonl")).get(0);
    for (String key : new String[] {"prompt", "response_0", "response_1", "is_response_0_safe",
        "is_response_1_safe", "better_response_id", "safer_response_id"}) {
      assertTrue(row.contains("\"" + key + "\""), row);
    }
    for (String model : new String[] {"pretrain", "sft", "rm", "cm", "ppo", "ppo-lag"}) {
      assertTrue(Files.isRegularFile(out.resolve(model).resolve("config.json")), model);
    }
  }
}
