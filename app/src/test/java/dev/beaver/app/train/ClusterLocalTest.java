package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.app.Main;
import dev.beaver.models.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PPO-Lag job across JVMs on loopback through {@code scripts/cluster-local.sh}: a coordinator
 * (the seed, running the job), a learner, a scorer and two rollout nodes, each a child JVM of
 * this test's class path. Weights reach both rollout nodes through the chunked transfer.
 */
@Tag("slow")
class ClusterLocalTest {
  @TempDir Path tmp;

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/cluster-local.sh"))) {
      p = p.getParent();
    }
    return p;
  }

  /** How the script starts beaver here: this JVM's java and class path. */
  static String beaverCommand() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return String.join(" ", java, "-Xss4m", "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx1g",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path").replace(" ", "%20"), Main.class.getName());
  }

  @Test
  void shouldFinishAPpoLagJobOnSeparateRolloutScorerAndLearnerJvms() throws Exception {
    String lm = SharedData.stories260k().toString();
    String cost = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    assertFalse(System.getProperty("java.class.path").contains(" "),
        "the class path must not contain spaces for BEAVER_CMD");
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"q\": \"Tell me about a cat.\"}",
        "{\"q\": \"Tell me about a dog.\"}", "{\"q\": \"What did Lily see?\"}",
        "{\"q\": \"Tell me about Tom.\"}"));
    Path out = tmp.resolve("run");
    List<String> cmd = new ArrayList<>(List.of("bash",
        repoRoot().resolve("scripts/cluster-local.sh").toString(), "--rollout_nodes", "2",
        "--", "--actor_model_name_or_path", lm, "--reward_model_name_or_path", lm,
        "--cost_model_name_or_path", cost, "--train_datasets", "jsonl:1:" + prompts,
        "--column_map", "input=q", "--output_dir", out.toString(), "--max_length", "72",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "1",
        "--lambda_max", "5", "--wait_for_nodes", "240"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("script.log").toFile());
    pb.environment().put("BEAVER_CMD", beaverCommand());
    Process p = pb.start();
    boolean done = p.waitFor(8, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("script.log"));
    Path nodes = out.resolve("nodes");
    String coordinatorLog = read(nodes.resolve("coordinator-0.log"));
    assertTrue(done, "timed out\n" + log + coordinatorLog);
    assertEquals(0, p.exitValue(), log + "\n" + coordinatorLog + "\nlearner:\n"
        + read(nodes.resolve("learner-0.log")));
    for (String node : new String[] {"coordinator-0", "learner-0", "scorer-0", "rollout-0",
        "rollout-1"}) {
      assertTrue(Files.exists(nodes.resolve(node + ".pid")), node);
      long pid = Long.parseLong(Files.readString(nodes.resolve(node + ".pid")).trim());
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          node + " still running after the script exited");
    }
    // Two prompt batches: versions 0, 1 and 2 reach both rollout nodes as chunked payloads.
    for (String rollout : new String[] {"rollout-0", "rollout-1"}) {
      String r = read(nodes.resolve(rollout + ".log"));
      assertTrue(r.contains("weights version 0 received"), rollout + ":\n" + r);
    }
    assertTrue(coordinatorLog.contains("pipeline: 2 versions"), coordinatorLog);
    assertTrue(Files.exists(out.resolve("model.safetensors")));
    List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(4, metrics.size(), String.join("\n", metrics));
    assertTrue(metrics.get(3).contains("\"train/lambda\""), metrics.get(3));
    assertTrue(metrics.get(3).contains("\"system/staleness_max\""), metrics.get(3));
  }

  private static String read(Path p) throws Exception {
    return Files.exists(p) ? Files.readString(p) : "(no " + p.getFileName() + ")";
  }
}
