package dev.beaver.actors.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The interceptor, the counting mailbox and the registry on real actors, and the way from a
 * node's reporter through the receptionist to an aggregator (serialize-messages = on: the
 * snapshot goes through Kryo).
 */
@ExtendWith(TestKitJUnit5Extension.class)
class MonitoringTest {
  @JUnit5TestKit public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  /** Replies "ok", counts 3 tokens per message, throws on "boom", blocks on "block". */
  private static Behavior<Object> echo(CountDownLatch release, TestProbe<String> probe) {
    return Behaviors.receive(Object.class)
        .onMessageEquals("boom", () -> {
          throw new IllegalStateException("boom");
        })
        .onMessageEquals("block", () -> {
          release.await(10, TimeUnit.SECONDS);
          return Behaviors.same();
        })
        .onMessage(String.class, s -> {
          Monitoring.count("rollout_tokens_total", 3);
          Monitoring.gauge("generation_batch_size", 2);
          probe.getRef().tell("ok");
          return Behaviors.same();
        })
        .build();
  }

  /** The figures of actor {@code name}, waiting for its setup to register them. */
  private ActorMetrics metricsOf(String name) {
    TestProbe<Object> probe = testKit.createTestProbe();
    return probe.awaitAssert(() -> MonitorRegistry.get(testKit.system()).actors().stream()
        .filter(m -> m.name().equals(name)).findFirst().orElseThrow());
  }

  @Test
  void shouldCountMessagesFailuresAndRestarts() {
    TestProbe<String> probe = testKit.createTestProbe();
    Behavior<Object> supervised = Behaviors.supervise(
        Monitoring.instrument(echo(new CountDownLatch(0), probe)))
        .onFailure(IllegalStateException.class, SupervisorStrategy.restart());
    ActorRef<Object> ref = testKit.spawn(supervised, "worker-0",
        Monitoring.props(testKit.system(), null));
    ref.tell("a");
    ref.tell("boom");
    ref.tell("b");
    probe.expectMessage("ok");
    probe.expectMessage("ok");
    ActorMetrics m = metricsOf("worker-0");
    assertEquals("rollout", m.role());
    // The last message is counted when its handler returns, after its reply.
    probe.awaitAssert(() -> {
      assertEquals(3, m.messages());
      return null;
    });
    assertEquals(1, m.failures());
    assertEquals(1, m.restarts());
    assertEquals(Map.of("rollout_tokens_total", 6.0), m.counterValues());
    assertEquals(Map.of("generation_batch_size", 2.0), m.gaugeValues());
    testKit.stop(ref);
    probe.awaitAssert(() -> {
      assertFalse(m.alive());
      return null;
    });
  }

  @Test
  void shouldSeeTheMailboxDepthOfABusyActor() throws Exception {
    TestProbe<String> probe = testKit.createTestProbe();
    CountDownLatch release = new CountDownLatch(1);
    ActorRef<Object> ref = testKit.spawn(Monitoring.instrument(echo(release, probe)), "scorer-0",
        Monitoring.props(testKit.system(), null));
    ref.tell("block");
    for (int i = 0; i < 5; i++) {
      ref.tell("x");
    }
    ActorMetrics m = metricsOf("scorer-0");
    probe.awaitAssert(() -> {
      assertEquals(5, m.mailboxDepth());
      return null;
    });
    release.countDown();
    probe.receiveSeveralMessages(5);
    probe.awaitAssert(() -> {
      assertEquals(0, m.mailboxDepth());
      assertEquals(6, m.messages());
      return null;
    });
    NodeSnapshot s = MonitorRegistry.get(testKit.system()).snapshot(false);
    NodeSnapshot.ActorStats stats = s.actors().stream()
        .filter(a -> a.name().equals("scorer-0")).findFirst().orElseThrow();
    assertEquals(6, stats.messages());
    assertTrue(stats.p99Ms() >= stats.p50Ms());
    assertEquals(15.0, stats.counters().get("rollout_tokens_total"));
  }

  @Test
  void shouldReportSnapshotsAndTrainingStepsToTheAggregator() {
    TestProbe<String> probe = testKit.createTestProbe();
    MonitorState state = new MonitorState();
    testKit.spawn(MonitorAggregator.create(state), "aggregator");
    Behavior<Object> learner = Behaviors.receive(Object.class)
        .onMessage(String.class, s -> {
          Monitoring.training(7, Map.of("train/reward", 1.5, "train/lambda", 0.25));
          Monitoring.sample(3, "Tell me a story.", "Once upon a time", 1.5, -0.5);
          probe.getRef().tell("done");
          return Behaviors.same();
        })
        .build();
    ActorRef<Object> ref = testKit.spawn(Monitoring.instrument(learner), "learner",
        Monitoring.props(testKit.system(), null));
    ref.tell("step");
    probe.expectMessage("done");
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      MonitorState.View v = state.view();
      assertEquals(List.of(7L), v.training().stream().map(NodeSnapshot.TrainingStep::step)
          .toList());
      assertEquals(1.5, v.lastTraining().get("train/reward"));
      assertEquals("Once upon a time", v.samples().get(0).response());
      assertTrue(v.nodes().get(0).last().actors().stream()
          .anyMatch(a -> a.name().equals("learner") && a.messages() == 1));
      return null;
    });
    String text = PrometheusFormat.render(state.view());
    assertTrue(text.contains("# TYPE beaver_actor_messages_total counter"), text);
    assertTrue(text.contains("role=\"learner\",actor=\"/user/learner\"} 1"), text);
    assertTrue(text.contains("beaver_train_reward 1.5"), text);
    assertTrue(text.contains("beaver_train_lambda 0.25"), text);
  }

  @Test
  void shouldLeaveBehavioursAloneWhenDisabled() {
    ActorTestKit off = ActorTestKit.create("off", com.typesafe.config.ConfigFactory
        .parseString("beaver.monitor.enabled = off").withFallback(testKit.system().settings()
            .config()));
    try {
      TestProbe<String> probe = off.createTestProbe();
      ActorRef<Object> ref = off.spawn(Monitoring.instrument(echo(new CountDownLatch(0), probe)),
          "worker-0", Monitoring.props(off.system(), null));
      ref.tell("a");
      probe.expectMessage("ok");
      assertTrue(MonitorRegistry.get(off.system()).actors().isEmpty());
    } finally {
      off.shutdownTestKit();
    }
  }
}
