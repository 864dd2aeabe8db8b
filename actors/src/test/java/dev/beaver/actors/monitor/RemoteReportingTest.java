package dev.beaver.actors.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes over Artery tcp: a rollout node's instrumented actor and its training step reach the
 * aggregator on the coordinator node (found through the cluster receptionist; the snapshot
 * crosses the wire through Kryo), and the aggregator sees both members with their roles.
 */
@Tag("slow")
@Timeout(120)
class RemoteReportingTest {

  private static Config base() {
    return ConfigFactory.parseString(String.join("\n",
            "pekko.actor.serialize-messages = on",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
            "pekko.coordinated-shutdown.terminate-actor-system = on",
            "beaver.monitor.report-interval = 200ms"))
        .withFallback(ConfigFactory.load()).resolve();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  @Test
  void shouldAggregateAnotherNodesActorsAndTrainingSteps() throws Exception {
    Config base = base();
    NodeSettings defaults = NodeSettings.fromRoot(base).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0);
    BeaverNode a = null;
    BeaverNode b = null;
    try {
      a = BeaverNode.start(defaults.withRoles(Set.of(Role.COORDINATOR)), base);
      b = BeaverNode.start(defaults.withRoles(Set.of(Role.ROLLOUT))
          .withSeedNodes(List.of(a.address())), base);
      MonitorState state = new MonitorState();
      a.spawnAndWait(MonitorAggregator.create(state), "aggregator", Duration.ofSeconds(10));
      Behavior<String> worker = Behaviors.receive(String.class)
          .onAnyMessage(s -> {
            Monitoring.count("rollout_tokens_total", 16);
            Monitoring.training(1, Map.of("train/reward", 0.5));
            return Behaviors.same();
          })
          .build();
      ActorRef<String> ref = b.spawnAndWait(Monitoring.instrument(worker), "worker-0",
          Monitoring.props(b.system(), null), Duration.ofSeconds(10));
      ref.tell("go");
      String bAddress = b.address().toString();
      await("the rollout node's worker and step reach the coordinator", () -> {
        MonitorState.View v = state.view();
        return !v.training().isEmpty() && v.nodes().stream().anyMatch(n -> n.address()
            .equals(bAddress) && n.last() != null && n.last().actors().stream()
            .anyMatch(x -> x.name().equals("worker-0") && x.messages() == 1));
      });
      await("both members up", () -> state.view().nodes().stream()
          .filter(n -> "up".equals(n.status())).count() == 2);
      MonitorState.View v = state.view();
      assertEquals(0.5, v.lastTraining().get("train/reward"));
      MonitorState.NodeView rollout = v.nodes().stream()
          .filter(n -> n.address().equals(bAddress)).findFirst().orElseThrow();
      assertEquals(List.of("rollout"), rollout.roles());
      assertTrue(rollout.reachable());
      assertEquals(16.0, rollout.last().actors().stream()
          .filter(x -> x.name().equals("worker-0")).findFirst().orElseThrow()
          .counters().get("rollout_tokens_total"));
    } finally {
      if (b != null) {
        b.shutdown(Duration.ofSeconds(15));
      }
      if (a != null) {
        a.shutdown(Duration.ofSeconds(15));
      }
    }
  }
}
