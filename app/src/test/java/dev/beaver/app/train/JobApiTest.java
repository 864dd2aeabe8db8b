package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.learner.rl.Experience;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.cluster.JobDriver;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API of docs/api.md end to end: start a node, open a PPO-Lag job from its flags with a
 * custom rollout strategy, a custom scorer and a progress listener, run it on the node, observe
 * it. The strategy sees every micro-batch on both workers, and the scorer's bonus is exactly the
 * difference of the first step's reward against a run without it (same seeds, staleness 0).
 */
class JobApiTest {
  @TempDir Path tmp;

  List<String> args(Path out, Path prompts) {
    String lm = RlTestData.actor();
    String cost = RlTestData.costModel();
    return List.of("--actor_model_name_or_path", lm, "--reward_model_name_or_path", lm,
        "--cost_model_name_or_path", cost, "--train_datasets", "jsonl:1:" + prompts,
        "--column_map", "input=q", "--output_dir", out.toString(), "--max_length", "72",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "1",
        "--max_staleness", "0", "--rollout_workers", "2");
  }

  record Run(List<Map<String, Double>> steps, int strategyCalls, Set<Integer> workers) {}

  Run run(String name, RlJobs.Plugins extra, boolean bonus) throws Exception {
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR);
    AtomicInteger calls = new AtomicInteger();
    Set<Integer> workers = ConcurrentHashMap.newKeySet();
    List<Map<String, Double>> steps = Collections.synchronizedList(new ArrayList<>());
    RlJobs.Plugins plugins = extra
        .withStrategies(i -> (context, item) -> {
          calls.incrementAndGet();
          workers.add(i);
          return RolloutStrategy.sampling().generate(context, item);
        })
        .withProgress((metrics, step) -> steps.add(Map.copyOf(metrics)));
    if (bonus) {
      plugins = plugins.withScorer(models -> (manager, rollout) -> {
        Experience e = models.score(manager, rollout);
        float[] reward = e.reward().clone();
        for (int r = 0; r < reward.length; r++) {
          reward[r] += 1.0f;
        }
        return new Experience(e.inputIds(), e.attentionMask(), e.start(), e.logProbs(),
            e.refLogProbs(), reward, e.cost(), e.rewardValues(), e.costValues(),
            e.policyVersion());
      });
    }
    JobSpec spec = new JobSpec("ppo-lag", args(tmp.resolve(name), prompts));
    Config config = ClusterConf.load(List.of());
    NodeSettings node = NodeSettings.fromRoot(config).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
    try (BeaverNode n = BeaverNode.start(node, config);
        JobParts job = RlJobs.open(spec, plugins)) {
      NodeServices.start(n, s -> job);
      JobDriver.Outcome outcome = NodeServices.runJob(n, spec, job,
          new JobDriver.Layout(1, 1, 2, Duration.ofMinutes(2)));
      assertTrue(outcome.ok(), outcome.error());
      assertEquals(2, outcome.finished().version());
    }
    return new Run(new ArrayList<>(steps), calls.get(), workers);
  }

  @Test
  void shouldRunACustomStrategyScorerAndListenerThroughTheJavaApi() throws Exception {
    Run plain = run("plain", RlJobs.Plugins.NONE, false);
    Run custom = run("custom", RlJobs.Plugins.NONE, true);
    // 2 rounds × 2 micro-batches (train batch 1): 4 strategy calls, 4 optimizer steps.
    assertEquals(4, custom.strategyCalls());
    assertEquals(4, custom.steps().size());
    assertEquals(4, plain.steps().size());
    assertEquals(plain.steps().get(0).get("train/reward") + 1.0,
        custom.steps().get(0).get("train/reward"), 1e-5);
    assertTrue(Files.exists(tmp.resolve("custom/model.safetensors")));
    assertTrue(Files.readString(tmp.resolve("custom/metrics.jsonl")).contains("train/lambda"));
  }

  /**
   * A node serves one job after another: the second job's weights reach its workers although the
   * node's receiver has seen the first job's transfers (versions and transfer ids restart).
   */
  @Test
  void shouldRunTwoJobsOneAfterTheOtherOnTheSameNode() throws Exception {
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR);
    Config config = ClusterConf.load(List.of());
    NodeSettings node = NodeSettings.fromRoot(config).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
    try (BeaverNode n = BeaverNode.start(node, config)) {
      java.util.Map<JobSpec, JobParts> open = new java.util.concurrent.ConcurrentHashMap<>();
      NodeServices.start(n, open::get);
      for (String name : new String[] {"first", "second"}) {
        JobSpec spec = new JobSpec("ppo-lag", args(tmp.resolve(name), prompts));
        try (JobParts job = RlJobs.open(spec, RlJobs.Plugins.NONE)) {
          open.put(spec, job);
          // Bounded: before transfer ids were unique, the second job waited for weights forever.
          JobDriver.Outcome outcome = java.util.concurrent.CompletableFuture.supplyAsync(
              () -> NodeServices.runJob(n, spec, job,
                  new JobDriver.Layout(1, 1, 2, Duration.ofMinutes(2))))
              .get(3, java.util.concurrent.TimeUnit.MINUTES);
          assertTrue(outcome.ok(), name + ": " + outcome.error());
          assertEquals(2, outcome.finished().version(), name);
        }
      }
    }
    assertTrue(Files.exists(tmp.resolve("second/model.safetensors")));
  }
}
