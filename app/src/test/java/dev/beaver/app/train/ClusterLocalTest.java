package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.app.Main;
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
 * this test's class path. Weights reach both rollout nodes over the bulk data plane (one relay chain).
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
  static String beaverCommand(String... jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return String.join(" ", java, String.join(" ", jvmOptions), "-Xss4m",
        "-Dai.djl.offline=true",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx1g",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path").replace(" ", "%20"), Main.class.getName());
  }

  @Test
  void shouldFinishAPpoLagJobOnSeparateRolloutScorerAndLearnerJvms() throws Exception {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    assertFalse(System.getProperty("java.class.path").contains(" "),
        "the class path must not contain spaces for BEAVER_CMD");
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR);
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
    // Weights reach both rollout nodes over the bulk data plane, one relay chain: one node
    // forwards to the other.
    String relayed = "";
    for (String rollout : new String[] {"rollout-0", "rollout-1"}) {
      String r = read(nodes.resolve(rollout + ".log"));
      assertTrue(r.contains("weights version "), rollout + ":\n" + r);
      assertTrue(r.contains("bulk transfer "), rollout + ":\n" + r);
      relayed += r.contains(", relayed to ") ? rollout : "";
    }
    assertTrue(!relayed.isEmpty(), "no rollout node relayed the weights");
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

  /**
   * Nodes lost while the job runs: a rollout node is killed with SIGKILL and scorer-1 is frozen with
   * SIGSTOP (cut off: it stops answering heartbeats, and the Split Brain Resolver downs it). The
   * coordinator dispatches their work again; the job finishes having trained on every prompt
   * exactly once (rows counted by staleness).
   */
  @Test
  void shouldFinishWhenARolloutNodeIsKilledAndAScorerIsCutOff() throws Exception {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    List<String> questions = new ArrayList<>();
    String[] who = {"a cat", "a dog", "Lily", "Tom", "a bird", "the sun", "a ball", "a tree"};
    for (int i = 0; i < 32; i++) {
      questions.add("Tell me a story about " + who[i % who.length] + " number " + i + ".");
    }
    Path prompts = RlTestData.prompts(tmp, questions);
    Path out = tmp.resolve("run");
    Path nodes = out.resolve("nodes");
    List<String> cmd = List.of("bash", repoRoot().resolve("scripts/cluster-local.sh").toString(),
        "--rollout_nodes", "2", "--scorer_nodes", "2", "--",
        "--actor_model_name_or_path", lm, "--reward_model_name_or_path", lm,
        "--cost_model_name_or_path", cost, "--train_datasets", "jsonl:1:" + prompts,
        "--column_map", "input=q", "--output_dir", out.toString(), "--max_length", "96",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "2",
        "--lambda_max", "5", "--wait_for_nodes", "240");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("script.log").toFile());
    // Fast failure detection and downing, so the test does not wait the production 20 s.
    pb.environment().put("BEAVER_CMD", beaverCommand("-Dbeaver.node.downing.stable-after=3s",
        "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=6s",
        "-Dpekko.cluster.failure-detector.heartbeat-interval=1s"));
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    long killed = -1;
    long frozen = -1;
    while (p.isAlive() && System.nanoTime() < deadline && (killed < 0 || frozen < 0)) {
      String victim = read(nodes.resolve("rollout-1.log")).contains("weights version 2 received")
          ? "rollout-1" : read(nodes.resolve("rollout-0.log"))
              .contains("weights version 2 received") ? "rollout-0" : null;
      if (victim != null) {
        killed = pid(nodes.resolve(victim + ".pid"));
        frozen = pid(nodes.resolve("scorer-1.pid"));
        new ProcessBuilder("kill", "-KILL", Long.toString(killed)).start().waitFor();
        new ProcessBuilder("kill", "-STOP", Long.toString(frozen)).start().waitFor();
      }
      Thread.sleep(100);
    }
    boolean done = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    if (frozen > 0) {
      new ProcessBuilder("kill", "-CONT", Long.toString(frozen)).start().waitFor();
    }
    if (!done) {
      p.destroyForcibly();
    }
    String coordinatorLog = read(nodes.resolve("coordinator-0.log"));
    assertTrue(killed > 0, "the job ended before a rollout node had version 2\n"
        + tails(nodes));
    assertTrue(done, "timed out\n" + coordinatorLog);
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("script.log")) + coordinatorLog);
    assertTrue(coordinatorLog.contains("pipeline: 16 versions"), coordinatorLog);
    // Every one of the 32 prompts trained on exactly once.
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("samples by staleness \\[([0-9, ]+)\\]").matcher(coordinatorLog);
    assertTrue(m.find(), coordinatorLog);
    long rows = 0;
    for (String n : m.group(1).split(",\\s*")) {
      rows += Long.parseLong(n.trim());
    }
    assertEquals(32, rows, m.group());
    assertEquals(16, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    assertTrue(coordinatorLog.contains("lost"), coordinatorLog);
  }

  /**
   * A learner node of a group of two killed with SIGKILL after checkpoint-4: the other shard's
   * exchange fails, the script starts the node again, the job restarts from the newest
   * checkpoint (step counter, optimizer state and λ continue) with both shards and finishes.
   */
  @Test
  void shouldContinueFromTheLastCheckpointWhenALearnerOfTheGroupIsKilled() throws Exception {
    Path out = tmp.resolve("run");
    Path nodes = out.resolve("nodes");
    String coordinatorLog = killAndFinish(out, List.of("--learner_nodes", "2"),
        nodes.resolve("learner-0.pid"));
    assertTrue(coordinatorLog.contains("starting learner shard 1 of 2"), coordinatorLog);
    assertTrue(coordinatorLog.contains("restarting from " + out.resolve("checkpoint-")),
        coordinatorLog);
  }

  /**
   * The coordinator (the JVM that runs the command) killed with SIGKILL after checkpoint-4: the
   * nodes free the job, the script starts the command again with --resume, it rejoins the cluster
   * through the other seed (learner-0) and continues from the newest checkpoint.
   */
  @Test
  void shouldContinueFromTheLastCheckpointWhenTheCoordinatorIsKilled() throws Exception {
    Path out = tmp.resolve("run");
    Path nodes = out.resolve("nodes");
    String coordinatorLog = killAndFinish(out, List.of(), nodes.resolve("coordinator-0.pid"));
    assertTrue(coordinatorLog.contains("--- restarted"), coordinatorLog);
    assertTrue(coordinatorLog.contains("resuming from " + out.resolve("checkpoint-")),
        coordinatorLog);
  }

  /**
   * Runs a 12-step PPO-Lag job with {@code extra} script flags, kills the process in {@code
   * victim} once checkpoint-4 is written, and checks the job finishes at step 12 with the model
   * saved; returns the coordinator's log.
   */
  private String killAndFinish(Path out, List<String> extra, Path victim) throws Exception {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      questions.add("Tell me a story about a cat called number " + i + ".");
    }
    Path prompts = RlTestData.prompts(tmp, questions);
    Path nodes = out.resolve("nodes");
    List<String> cmd = new ArrayList<>(List.of("bash",
        repoRoot().resolve("scripts/cluster-local.sh").toString()));
    cmd.addAll(extra);
    cmd.addAll(List.of("--", "--actor_model_name_or_path", lm, "--reward_model_name_or_path", lm,
        "--cost_model_name_or_path", cost, "--train_datasets", "jsonl:1:" + prompts,
        "--column_map", "input=q", "--output_dir", out.toString(), "--max_length", "96",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "2",
        "--lambda_max", "5", "--save_interval", "2", "--wait_for_nodes", "240"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("script.log").toFile());
    pb.environment().put("BEAVER_CMD", beaverCommand("-Dbeaver.node.downing.stable-after=3s",
        "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=6s",
        "-Dpekko.cluster.failure-detector.heartbeat-interval=1s"));
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(7);
    long killed = -1;
    while (p.isAlive() && System.nanoTime() < deadline && killed < 0) {
      if (Files.exists(out.resolve("checkpoint-4/trainer_state.json"))) {
        killed = pid(victim);
        new ProcessBuilder("kill", "-KILL", Long.toString(killed)).start().waitFor();
      }
      Thread.sleep(100);
    }
    boolean done = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String coordinatorLog = read(nodes.resolve("coordinator-0.log"));
    assertTrue(killed > 0, "the job ended before checkpoint-4\n" + tails(nodes));
    assertTrue(done, "timed out\n" + tails(nodes));
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("script.log")) + tails(nodes));
    assertTrue(coordinatorLog.contains("pipeline: 12 versions"), coordinatorLog);
    List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertTrue(metrics.get(metrics.size() - 1).startsWith("{\"step\":12,"),
        metrics.get(metrics.size() - 1));
    assertTrue(Files.exists(out.resolve("model.safetensors")));
    return coordinatorLog;
  }

  /** The last lines of every node's log (for failure messages). */
  private static String tails(Path nodes) throws Exception {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(nodes)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        out.append("== ").append(f.getFileName()).append('\n');
        lines.subList(Math.max(0, lines.size() - 25), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      }
    }
    return out.toString();
  }

  private static long pid(Path file) throws Exception {
    return Long.parseLong(Files.readString(file).trim());
  }
}
