package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.app.Main;
import dev.beaver.models.SharedData;
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
    String lm = SharedData.stories260k().toString();
    String cost = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"q\": \"Tell me about a cat.\"}",
        "{\"q\": \"Tell me about a dog.\"}"));
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
    String lm = SharedData.stories260k().toString();
    String cost = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"q\": \"Tell me about a cat.\"}",
        "{\"q\": \"Tell me about a dog.\"}", "{\"q\": \"What did Lily see?\"}",
        "{\"q\": \"Tell me about Tom.\"}"));
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
    String lm = SharedData.stories260k().toString();
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"q\": \"Tell me about a cat.\"}"));
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
}
