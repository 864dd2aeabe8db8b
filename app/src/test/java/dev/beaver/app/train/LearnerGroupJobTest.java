package dev.beaver.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.models.CausalLm;
import dev.beaver.models.nn.HostTensor;
import dev.beaver.rollout.cluster.JobDriver;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --learner_nodes 2} through the job protocol: the same PPO-Lag job run by one learner
 * (one node with every role) and by a learner group of two (a second node with the learner role
 * joins the first; two actor systems in this JVM over Artery TCP on loopback, so the shards'
 * round items and gradient slices cross a real node boundary). Staleness 0 and the same seeds:
 * the rollouts are the same, so the leader's per-step reward, cost and λ must be equal, and the
 * trained policies equal up to float summation order (documented tolerance: max |Δ| ≤ 1e-4).
 */
@Timeout(600)
class LearnerGroupJobTest {
  @TempDir Path tmp;

  private List<String> args(Path out, Path prompts) {
    // One micro-batch of two rows per round: each shard of two trains one row.
    return List.of("--actor_model_name_or_path", RlTestData.actor(),
        "--reward_model_name_or_path", RlTestData.actor(),
        "--cost_model_name_or_path", RlTestData.costModel(),
        "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
        "--output_dir", out.toString(), "--max_length", "72",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "2",
        "--max_staleness", "0", "--rollout_workers", "1", "--save_interval", "1");
  }

  private static Config config() {
    return ConfigFactory.parseString("pekko.cluster.jmx.multi-mbeans-in-same-jvm = on")
        .withFallback(ClusterConf.load(List.of())).resolve();
  }

  private static NodeSettings node(Config config) {
    return NodeSettings.fromRoot(config).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
  }

  private JobDriver.Outcome oneLearner(JobSpec spec) throws Exception {
    Config config = config();
    try (BeaverNode n = BeaverNode.start(node(config), config);
        JobParts job = RlJobs.open(spec, RlJobs.Plugins.NONE)) {
      NodeServices.start(n, s -> job);
      return NodeServices.runJob(n, spec, job,
          new JobDriver.Layout(1, 1, 1, Duration.ofMinutes(2)));
    }
  }

  private JobDriver.Outcome twoLearners(JobSpec spec) throws Exception {
    Config config = config();
    Map<JobSpec, JobParts> opened = new ConcurrentHashMap<>();
    List<JobParts> all = new ArrayList<>();
    try (BeaverNode a = BeaverNode.start(node(config), config)) {
      BeaverNode b = BeaverNode.start(node(config).withRoles(EnumSet.of(Role.LEARNER))
          .withSeedNodes(List.of(a.address())), config);
      try {
        b.whenUp().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        // Each node opens its own parts of the job from the spec, as 'beaver node' does.
        NodeServices.start(a, s -> opened.computeIfAbsent(s, x -> {
          JobParts p = RlJobs.open(x, RlJobs.Plugins.NONE);
          all.add(p);
          return p;
        }));
        NodeServices.start(b, s -> {
          JobParts p = RlJobs.open(s, RlJobs.Plugins.NONE);
          all.add(p);
          return p;
        });
        JobParts coordinatorParts = RlJobs.open(spec, RlJobs.Plugins.NONE);
        all.add(coordinatorParts);
        return NodeServices.runJob(a, spec, coordinatorParts,
            new JobDriver.Layout(1, 1, 1, Duration.ofMinutes(2), Duration.ZERO, 2));
      } finally {
        b.shutdown(Duration.ofSeconds(15));
      }
    } finally {
      all.forEach(JobParts::close);
    }
  }

  private static List<JsonObject> metrics(Path out) throws Exception {
    List<JsonObject> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      JsonObject row = JsonParser.parseString(line).getAsJsonObject();
      if (row.has("train/reward")) {
        rows.add(row);
      }
    }
    return rows;
  }

  private static Map<String, HostTensor> weights(Path dir) {
    try (NDManager m = NDManager.newBaseManager();
        CausalLm lm = CausalLm.load(dir.toString(), m)) {
      return lm.decoder().weights().toHost();
    }
  }

  @Test
  void twoLearnerNodesShouldTrainThePolicyOneLearnerTrains() throws Exception {
    Path prompts = RlTestData.prompts(tmp, RlTestData.FOUR);
    Path k1 = tmp.resolve("k1");
    Path k2 = tmp.resolve("k2");
    JobDriver.Outcome one = oneLearner(new JobSpec("ppo-lag", args(k1, prompts)));
    assertTrue(one.ok(), one.error());
    JobDriver.Outcome two = twoLearners(new JobSpec("ppo-lag", args(k2, prompts)));
    assertTrue(two.ok(), two.error());
    assertEquals(one.finished().steps(), two.finished().steps());

    List<JsonObject> m1 = metrics(k1);
    List<JsonObject> m2 = metrics(k2);
    assertEquals(2, m1.size());
    assertEquals(m1.size(), m2.size(), "the leader logs every step, the follower nothing");
    for (int i = 0; i < m1.size(); i++) {
      for (String key : List.of("train/reward", "train/cost", "train/lambda",
          "train/episode_cost")) {
        double e = m1.get(i).get(key).getAsDouble();
        assertEquals(e, m2.get(i).get(key).getAsDouble(), 1e-5 * Math.max(1, Math.abs(e)),
            "step " + (i + 1) + " " + key);
      }
    }
    // The group's checkpoints have the single learner's layout (gathered optimizer state).
    assertTrue(Files.exists(k2.resolve("checkpoint-2/actor.optimizer.safetensors"))
        || Files.exists(k2.resolve("checkpoint-2/actor/model.safetensors")));
    Map<String, HostTensor> w1 = weights(k1);
    Map<String, HostTensor> w2 = weights(k2);
    assertEquals(w1.keySet(), w2.keySet());
    double max = 0;
    for (String name : w1.keySet()) {
      float[] x = w1.get(name).data();
      float[] y = w2.get(name).data();
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    System.err.printf("K=1 vs K=2 through the job: max |Δ parameter| = %.3g%n", max);
    assertTrue(max <= 1e-4, "max |Δ| = " + max);
  }
}
