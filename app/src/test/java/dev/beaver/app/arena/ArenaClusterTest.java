package dev.beaver.app.arena;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.models.SharedData;
import dev.beaver.rollout.cluster.NodeServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arena on a running cluster: a scorer-and-rollout node and a second rollout node (two actor
 * systems in this JVM over Artery TCP on loopback, agents opening the job from its spec as
 * {@code beaver node} does), and the arena's JVM joining as the coordinator; the workers of both
 * rollout nodes pull the corners' work. The table is byte for byte the one-JVM run's (samples
 * are seeded per row, whichever worker draws them).
 */
@Timeout(300)
class ArenaClusterTest {
  @TempDir Path dir;

  private ArenaConfig config(Path out) {
    String m = SharedData.stories260k().toString();
    String sm = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    String pku = "PKU-SafeRLHF/test:6/-1:" + SharedData.requireOverridable(
        "BEAVER_PKU_SAFERLHF_SAMPLE", "data/pku-saferlhf/test-Alpaca3-8B.sample13.jsonl");
    return ArenaConfig.of(m, m, sm, sm, List.of(pku)).withLimits(512, 10, 2).withSeed(3, 1)
        .withOutputDir(out);
  }

  @Test
  void shouldGenerateOnTheClusterRolloutNodesAndWriteTheOneJvmTable() throws Exception {
    Path local = dir.resolve("local");
    Arena.run(config(local));

    Config config = ConfigFactory.parseString("pekko.cluster.jmx.multi-mbeans-in-same-jvm = on")
        .withFallback(ClusterConf.load(List.of())).resolve();
    NodeSettings base = NodeSettings.fromRoot(config).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
    Path clustered = dir.resolve("cluster");
    try (BeaverNode a = BeaverNode.start(base.withRoles(EnumSet.of(Role.SCORER, Role.ROLLOUT)),
        config)) {
      try (BeaverNode b = BeaverNode.start(base.withRoles(EnumSet.of(Role.ROLLOUT))
          .withSeedNodes(List.of(a.address())), config)) {
        NodeServices.start(a, Arena::openJob);
        NodeServices.start(b, Arena::openJob);
        String seed = a.address().getHost().get() + ":" + a.address().getPort().get();
        ArenaResult r = Arena.run(config(clustered),
            new ArenaCluster(seed, null, "tcp", 2, Duration.ofMinutes(2)));
        assertEquals(6, r.rows().size());
      }
    }
    String match = "hf_vs_hf";
    assertEquals(Files.readString(local.resolve(match).resolve("table.csv")),
        Files.readString(clustered.resolve(match).resolve("table.csv")));
  }
}
