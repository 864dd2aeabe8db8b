package dev.beaver.rollout;

import static dev.beaver.rollout.SerializeMessages.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coordinator's work ledger: work of a lost worker or scorer, and of a stalled worker, is
 * dispatched again before new work; stored work is not; the buffer keeps one copy of each
 * micro-batch. Workers and scorers are spawned forwarders (so they can be stopped), with every
 * cluster message going through Kryo.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class CoordinatorFaultToleranceTest {
  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();

  private static <T> Behavior<T> forwardTo(ActorRef<T> probe) {
    return Behaviors.receiveMessage(m -> {
      probe.tell(m);
      return Behaviors.same();
    });
  }

  private static RolloutWorker.Generate expectGenerate(TestProbe<RolloutWorker.Command> p) {
    return p.expectMessageClass(RolloutWorker.Generate.class);
  }

  @Test
  void shouldDispatchTheWorkOfALostWorkerAgainFirst() {
    ActorRef<Coordinator.Command> c = testKit.spawn(
        Coordinator.create(new PipelineSettings(0, 4, 2), CoordinatorTest.plan(2, 2)));
    TestProbe<RolloutWorker.Command> a = testKit.createTestProbe();
    TestProbe<RolloutWorker.Command> b = testKit.createTestProbe();
    ActorRef<RolloutWorker.Command> lost = testKit.spawn(forwardTo(a.ref()));
    c.tell(new Coordinator.RequestWork(0, lost));
    assertEquals(0, expectGenerate(a).item().micro());
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    assertEquals(1, expectGenerate(b).item().micro());
    // Round 1 is not admitted at version 0 with staleness 0: b waits.
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    b.expectNoMessage(QUIET);
    testKit.stop(lost);
    RolloutWorker.Generate again = expectGenerate(b);
    assertEquals(0, again.item().round());
    assertEquals(0, again.item().micro());
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    b.expectNoMessage(QUIET);
  }

  @Test
  void shouldNotDispatchStoredWorkAgain() {
    ActorRef<Coordinator.Command> c = testKit.spawn(
        Coordinator.create(new PipelineSettings(0, 4, 2), CoordinatorTest.plan(1, 2)));
    TestProbe<RolloutWorker.Command> a = testKit.createTestProbe();
    TestProbe<RolloutWorker.Command> b = testKit.createTestProbe();
    ActorRef<RolloutWorker.Command> lost = testKit.spawn(forwardTo(a.ref()));
    c.tell(new Coordinator.RequestWork(0, lost));
    assertEquals(0, expectGenerate(a).item().micro());
    c.tell(new Coordinator.Stored(0, 0));
    testKit.stop(lost);
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    assertEquals(1, expectGenerate(b).item().micro());
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    b.expectNoMessage(QUIET);
  }

  @Test
  void shouldRouteToLiveScorersAndRedispatchALostScorersWork() {
    TestProbe<Scorer.Command> s1 = testKit.createTestProbe();
    ActorRef<Scorer.Command> lostScorer = testKit.spawn(forwardTo(s1.ref()));
    TestProbe<Scorer.Command> s2 = testKit.createTestProbe();
    ActorRef<Coordinator.Command> c = testKit.spawn(Coordinator.create(
        new PipelineSettings(0, 4, 1), CoordinatorTest.plan(2, 2),
        List.of(lostScorer, s2.ref()), Duration.ZERO, null));
    TestProbe<RolloutWorker.Command> w = testKit.createTestProbe();
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    RolloutWorker.Generate g0 = expectGenerate(w);
    assertEquals(lostScorer, g0.scorer());
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    RolloutWorker.Generate g1 = expectGenerate(w);
    assertEquals(s2.ref(), g1.scorer());
    // Round 1 is not admitted at version 0 (staleness 0): the worker waits.
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    w.expectNoMessage(QUIET);
    testKit.stop(lostScorer);
    // Micro-batch 0 went to the lost scorer: generated again and routed to the live one.
    RolloutWorker.Generate again = expectGenerate(w);
    assertEquals(0, again.item().micro());
    assertEquals(s2.ref(), again.scorer());
  }

  @Test
  void shouldReportAStalledWorkerAndDispatchItsWorkAgain() {
    TestProbe<Coordinator.WorkerStalled> stalled = testKit.createTestProbe();
    ActorRef<Coordinator.Command> c = testKit.spawn(Coordinator.create(
        new PipelineSettings(0, 4, 2), CoordinatorTest.plan(1, 2), List.of(),
        Duration.ofMillis(400), stalled.ref()));
    TestProbe<RolloutWorker.Command> slow = testKit.createTestProbe();
    TestProbe<RolloutWorker.Command> ok = testKit.createTestProbe();
    c.tell(new Coordinator.RequestWork(0, slow.ref()));
    assertEquals(0, expectGenerate(slow).item().micro());
    c.tell(new Coordinator.RequestWork(0, ok.ref()));
    assertEquals(1, expectGenerate(ok).item().micro());
    c.tell(new Coordinator.Stored(0, 1));
    c.tell(new Coordinator.RequestWork(0, ok.ref()));
    assertEquals(slow.ref(), stalled.expectMessageClass(Coordinator.WorkerStalled.class,
        Duration.ofSeconds(5)).worker());
    assertEquals(0, ok.expectMessageClass(RolloutWorker.Generate.class, Duration.ofSeconds(5))
        .item().micro());
    c.tell(new Coordinator.Stored(0, 0));
    stalled.expectNoMessage(Duration.ofMillis(800));
  }

  @Test
  void shouldKeepTheFirstCopyOfAMicroBatchAndDropLateDuplicates() {
    TestProbe<Coordinator.Command> coordinator = testKit.createTestProbe();
    ActorRef<ExperienceBuffer.Command> buffer =
        testKit.spawn(ExperienceBuffer.create(1, coordinator.ref()));
    var first = SerializeMessages.experience(1f);
    var second = SerializeMessages.experience(2f);
    buffer.tell(new ExperienceBuffer.Add(0, 0, first));
    assertEquals(new Coordinator.Stored(0, 0), coordinator.receiveMessage());
    // A duplicate at capacity neither fails the buffer nor replaces the first copy.
    buffer.tell(new ExperienceBuffer.Add(0, 0, second));
    coordinator.expectNoMessage(QUIET);
    TestProbe<ExperienceBuffer.RoundReady> learner = testKit.createTestProbe();
    buffer.tell(new ExperienceBuffer.TakeRound(0, 1, learner.ref()));
    ExperienceBuffer.RoundReady ready = learner.receiveMessage();
    assertEquals(1f, ready.experiences().get(0).reward()[0]);
    // A copy of a round already taken is dropped too.
    buffer.tell(new ExperienceBuffer.Add(0, 0, second));
    buffer.tell(new ExperienceBuffer.Add(1, 0, second));
    assertEquals(new Coordinator.Stored(1, 0), coordinator.receiveMessage());
  }
}
