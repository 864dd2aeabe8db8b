package dev.beaver.rollout.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.shard.ShardedStep;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.models.RlTestModels;
import dev.beaver.rollout.shard.LearnerGroupInvarianceTest.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LearnerGroupInvarianceTest} across two nodes: two actor systems in this JVM joined by
 * Artery over TCP on 127.0.0.1, shard 0 (the leader, driven by this thread) on one, shard 1 (a
 * {@link LearnerShard}) on the other. Everything between the shards crosses a real node
 * boundary: the round's items, the small slices (Kryo messages), the large ones (chunked transfer
 * on the large-message lane), the barrier. Same result, same tolerance.
 */
@Timeout(600)
class LearnerGroupTwoNodesTest {
  @TempDir Path tmp;

  private static <T> ActorRef<T> remote(BeaverNode owner, BeaverNode on, ActorRef<?> ref) {
    String path = ActorRefResolver.get(owner.system()).toSerializationFormat(ref);
    return ActorRefResolver.get(on.system()).resolveActorRef(path);
  }

  private static ShardEndpoint.Spawner spawner(BeaverNode node) {
    return new ShardEndpoint.Spawner() {
      @Override
      public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        return node.spawnAndWait(behavior, name, Duration.ofSeconds(30));
      }
    };
  }

  @Test
  void twoShardsOnTwoNodesShouldTrainTheSameParametersAndLambdaAsOneLearner() {
    Reference ref = LearnerGroupInvarianceTest.reference(tmp.resolve("k1"));
    Config base = ConfigFactory.parseString(
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
        .withFallback(ConfigFactory.load())
        .resolve();
    NodeSettings ns = NodeSettings.fromRoot(base).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withAutoJoin(false);
    BeaverNode a = null;
    BeaverNode b = null;
    NDManager m = NDManager.newBaseManager();
    RlTestModels x0 = null;
    RlTestModels x1 = null;
    ShardedStep s0 = null;
    ShardedStep s1 = null;
    try {
      a = BeaverNode.start(ns, base);
      b = BeaverNode.start(ns, base);
      ShardEndpoint e0 = ShardEndpoint.start(spawner(a), 0, 2, ns.transfer());
      ShardEndpoint e1 = ShardEndpoint.start(spawner(b), 1, 2, ns.transfer());
      // Each node addresses the other's endpoint through a remote reference.
      ShardEndpoint e1OnA = new ShardEndpoint(1, remote(b, a, e1.exchange()),
          remote(b, a, e1.receiver()));
      ShardEndpoint e0OnB = new ShardEndpoint(0, remote(a, b, e0.exchange()),
          remote(a, b, e0.receiver()));
      e0.exchange().tell(ShardEndpoint.peers(List.of(e0, e1OnA)));
      e1.exchange().tell(ShardEndpoint.peers(List.of(e0OnB, e1)));

      x0 = RlTestModels.load(m);
      x1 = RlTestModels.load(m);
      s0 = new ShardedStep(ShardExchange.collective(e0.exchange(), 0, 2), Duration.ofMinutes(3));
      s1 = new ShardedStep(ShardExchange.collective(e1.exchange(), 1, 2), Duration.ofMinutes(3));
      var settings0 = LearnerGroupInvarianceTest.settings(tmp.resolve("k2-0"));
      var settings1 = LearnerGroupInvarianceTest.settings(tmp.resolve("k2-1"));
      RlTrainer leader = new RlTrainer(settings0, x0.actor(), x0.ref(), x0.rm(), x0.cm(),
          x0.rc(), x0.cc(), m, LearnerGroupInvarianceTest.QUIET, s0);
      RlTrainer follower = new RlTrainer(settings1, x1.actor(), x1.ref(), x1.rm(), x1.cm(),
          x1.rc(), x1.cc(), m, LearnerGroupInvarianceTest.QUIET, s1);
      ActorRef<LearnerShard.Command> f = b.spawnAndWait(LearnerShard.create(follower, 1, null,
              e1.exchange()),
          "learner-shard-1", DispatcherSelector.fromConfig(PipelineSettings.LEARNER_DISPATCHER),
          Duration.ofSeconds(30));
      leader.begin(1, null);
      LearnerGroup group = new LearnerGroup(leader, e0.exchange());
      List<Experience> round = LearnerGroupInvarianceTest.round(m, x0);
      long t0 = System.nanoTime();
      group.trainBatch(round, null, 0, 0, 1, 0.0, null, Map.of());
      assertEquals(ref.lambda(), leader.lambda().lambda(), 0.0, "λ of the leader");
      TestProbe<LearnerShard.BarrierReached> probe = TestProbe.create(a.system());
      ActorRef<LearnerShard.Command> fOnA = remote(b, a, f);
      fOnA.tell(new LearnerShard.Barrier(0, probe.ref()));
      LearnerShard.BarrierReached reached = probe.expectMessageClass(
          LearnerShard.BarrierReached.class, Duration.ofMinutes(5));
      assertEquals(ref.lambda(), reached.lambda(), 0.0, "λ of the follower");
      assertEquals(4, reached.globalStep());
      System.err.printf("K=2 round on two nodes: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      LearnerGroupInvarianceTest.assertSameParameters(ref,
          LearnerGroupInvarianceTest.trained(x0), LearnerGroupInvarianceTest.trained(x1));
      assertTrue(Files.notExists(tmp.resolve("k2-1").resolve("checkpoint-4")));
      LearnerGroupInvarianceTest.assertSameCheckpoint(m, x0,
          tmp.resolve("k1").resolve("checkpoint-4"), tmp.resolve("k2-0").resolve("checkpoint-4"));
    } finally {
      if (s0 != null) {
        s0.close();
      }
      if (s1 != null) {
        s1.close();
      }
      if (x0 != null) {
        x0.close();
      }
      if (x1 != null) {
        x1.close();
      }
      m.close();
      if (a != null) {
        a.shutdown(Duration.ofSeconds(15));
      }
      if (b != null) {
        b.shutdown(Duration.ofSeconds(15));
      }
    }
  }
}
