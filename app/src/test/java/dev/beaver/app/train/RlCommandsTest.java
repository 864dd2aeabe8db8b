package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The RL commands end to end on stories260K: flags, a short PPO-Lag run, its outputs. */
class RlCommandsTest {
  @TempDir Path tmp;

  private static int run(StringWriter err, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void everyRlCommandHasHelp() {
    for (String c : new String[] {"ppo", "ppo-lag", "ppo-reward-shaping"}) {
      assertEquals(0, run(new StringWriter(), c, "--help"), c);
    }
  }

  @Test
  void shouldRejectBatchSizesThatDoNotDivideAsUpstreamDoes() {
    StringWriter err = new StringWriter();
    int code = run(err, "ppo", "--actor_model_name_or_path", "a", "--reward_model_name_or_path",
        "r", "--train_datasets", "x", "--output_dir", tmp.toString(),
        "--per_device_prompt_batch_size", "3", "--per_device_train_batch_size", "2");
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("divisible"), err.toString());
  }

  @Test
  void shouldRunAShortPpoLagJobAndWriteTheActorAndSafeRlhfMetrics() throws Exception {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR.subList(0, 2));
    Path out = tmp.resolve("ppo-lag");
    StringWriter err = new StringWriter();
    int code = run(err, "ppo-lag", "--actor_model_name_or_path", lm,
        "--reward_model_name_or_path", cost, "--cost_model_name_or_path", cost,
        "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
        "--output_dir", out.toString(), "--max_length", "72",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "2",
        "--lambda_max", "5", "--save_interval", "1");
    assertEquals(0, code, err.toString());
    assertTrue(Files.exists(out.resolve("model.safetensors")));
    assertTrue(Files.exists(out.resolve("checkpoint-1/actor/model.safetensors")));
    assertTrue(Files.exists(out.resolve("checkpoint-1/cost_critic.optimizer.safetensors")));
    String metrics = Files.readString(out.resolve("metrics.jsonl"));
    for (String key : new String[] {"train/actor_loss", "train/reward_critic_loss",
        "train/cost_critic_loss", "train/lambda", "train/episode_cost", "train/kl_divergence"}) {
      assertTrue(metrics.contains("\"" + key + "\""), key);
    }
    assertTrue(Files.readString(out.resolve("arguments.json")).contains("ppo_lag"));
  }

  /**
   * The actor pipeline of the command (a one-node cluster: agents, chunked weight transfer) with
   * --max_staleness 0 reproduces the in-process trainer's metrics step by step.
   */
  @Test
  void shouldReproduceTheInProcessTrainerOnThePipelineWithStalenessZero() throws Exception {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR);
    List<List<com.google.gson.JsonObject>> runs = new java.util.ArrayList<>();
    for (String mode : new String[] {"--in_process", "--max_staleness=0"}) {
      Path out = tmp.resolve(mode.replaceAll("[^a-z]", ""));
      StringWriter err = new StringWriter();
      int code = run(err, "ppo-lag", "--actor_model_name_or_path", lm,
          "--reward_model_name_or_path", lm, "--cost_model_name_or_path", cost,
          "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
          "--output_dir", out.toString(), "--max_length", "72", "--threshold", "-1000",
          "--lambda_lr", "1e-4", "--lambda_max", "5", "--per_device_prompt_batch_size", "2",
          "--per_device_train_batch_size", "1", "--rollout_workers", "2", mode);
      assertEquals(0, code, err.toString());
      List<com.google.gson.JsonObject> rows = new java.util.ArrayList<>();
      for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
        rows.add(com.google.gson.JsonParser.parseString(line).getAsJsonObject());
      }
      runs.add(rows);
    }
    assertEquals(4, runs.get(0).size());
    assertEquals(runs.get(0).size(), runs.get(1).size());
    for (int i = 0; i < runs.get(0).size(); i++) {
      for (String key : new String[] {"train/reward", "train/cost", "train/actor_loss",
          "train/lambda", "train/reward_critic_loss", "train/cost_critic_loss",
          "train/kl_divergence"}) {
        double e = metric(runs.get(0).get(i), key);
        double a = metric(runs.get(1).get(i), key);
        assertEquals(e, a, 1e-4 * Math.max(1.0, Math.abs(e)), "step " + (i + 1) + " " + key);
      }
    }
  }

  /** A metric of a metrics.jsonl row (its values may sit at the top or under "metrics"). */
  private static double metric(com.google.gson.JsonObject row, String key) {
    if (row.has(key)) {
      return row.get(key).getAsDouble();
    }
    return row.getAsJsonObject("metrics").get(key).getAsDouble();
  }

  /**
   * A job on a cluster whose nodes never come fails with exit 1 and says why, even with a cluster
   * file that makes nodes end their JVM on shutdown (cluster-conf/*.conf do).
   */
  @Test
  void shouldFailAClusterJobWhoseNodesDoNotJoin() throws Exception {
    String lm = RlTestData.actor();
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR.subList(0, 1));
    Path conf = tmp.resolve("alone.conf");
    Files.writeString(conf, "beaver.node { transport = tcp, port = 0, seed-nodes = [] }\n"
        + "pekko.coordinated-shutdown.exit-jvm = on\n");
    StringWriter err = new StringWriter();
    int code = run(err, "ppo", "--actor_model_name_or_path", lm, "--reward_model_name_or_path",
        lm, "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
        "--output_dir", tmp.resolve("out").toString(), "--per_device_prompt_batch_size", "1",
        "--per_device_train_batch_size", "1", "--cluster_config", conf.toString(),
        "--wait_for_nodes", "2");
    assertEquals(1, code, err.toString());
    assertTrue(err.toString().contains("did not join within 2 s"), err.toString());
  }

  /**
   * A pipeline run resumed from checkpoint-2 of a 4-step run continues at step 3 and repeats
   * the original's steps 3 and 4 (staleness 0: the pipeline is deterministic).
   */
  @Test
  void shouldResumeAPipelineRunExactlyFromACheckpoint() throws Exception {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR);
    Path full = tmp.resolve("full");
    Path resumed = tmp.resolve("resumed");
    List<String> common = List.of("ppo-lag", "--actor_model_name_or_path", lm,
        "--reward_model_name_or_path", lm, "--cost_model_name_or_path", cost,
        "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q", "--max_length", "72",
        "--threshold", "-1000", "--lambda_lr", "1e-4", "--lambda_max", "5",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "1",
        "--max_staleness", "0", "--save_interval", "2");
    List<String> a = new java.util.ArrayList<>(common);
    a.addAll(List.of("--output_dir", full.toString()));
    StringWriter err = new StringWriter();
    assertEquals(0, run(err, a.toArray(new String[0])), err.toString());
    List<String> b = new java.util.ArrayList<>(common);
    b.addAll(List.of("--output_dir", resumed.toString(), "--resume_from_checkpoint",
        full.resolve("checkpoint-2").toString()));
    assertEquals(0, run(err, b.toArray(new String[0])), err.toString());
    // --resume picks the newest checkpoint of the output folder itself (here the last step:
    // nothing is left to train, and the metrics stay as they were).
    List<String> c = new java.util.ArrayList<>(common);
    c.addAll(List.of("--output_dir", full.toString(), "--resume"));
    StringWriter resumeErr = new StringWriter();
    assertEquals(0, run(resumeErr, c.toArray(new String[0])), resumeErr.toString());
    assertTrue(resumeErr.toString().contains("resuming from " + full.resolve("checkpoint-4")),
        resumeErr.toString());
    List<String> fullRows = Files.readAllLines(full.resolve("metrics.jsonl"));
    List<String> resumedRows = Files.readAllLines(resumed.resolve("metrics.jsonl"));
    assertEquals(4, fullRows.size());
    assertEquals(2, resumedRows.size(), String.join("\n", resumedRows));
    for (int i = 0; i < 2; i++) {
      var e = com.google.gson.JsonParser.parseString(fullRows.get(2 + i)).getAsJsonObject();
      var r = com.google.gson.JsonParser.parseString(resumedRows.get(i)).getAsJsonObject();
      assertEquals(3 + i, r.get("step").getAsInt());
      for (String key : new String[] {"train/reward", "train/actor_loss", "train/lambda",
          "train/reward_critic_loss", "train/cost_critic_loss"}) {
        double x = metric(e, key);
        assertEquals(x, metric(r, key), 1e-4 * Math.max(1.0, Math.abs(x)), "step " + (3 + i)
            + " " + key);
      }
    }
  }
}
