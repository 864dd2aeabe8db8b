package dev.beaver.rollout;

import static dev.beaver.rollout.SerializeMessages.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coordinator's protocol with probes standing in for workers, every {@code RequestWork},
 * {@code LearnerAdvanced} and {@code Generate} going through Kryo (the pure admission rule is
 * {@link CoordinatorTest}'s).
 */
@ExtendWith(TestKitJUnit5Extension.class)
class CoordinatorProtocolTest {
  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();

  private static WorkItem expectItem(TestProbe<RolloutWorker.Command> worker) {
    return worker.expectMessageClass(RolloutWorker.Generate.class).item();
  }

  /** The item arrived as a Kryo copy of the plan's item, equal field by field. */
  private static void assertCopyOf(WorkItem expected, WorkItem actual) {
    assertNotSame(expected, actual);
    assertEquals(expected.round(), actual.round());
    assertEquals(expected.micro(), actual.micro());
    assertEquals(expected.params(), actual.params());
    assertEquals(expected.prompts().length, actual.prompts().length);
    for (int i = 0; i < expected.prompts().length; i++) {
      assertArrayEquals(expected.prompts()[i], actual.prompts()[i]);
    }
  }

  @Test
  void shouldHandOutItemsInPlanOrderAsKryoCopies() {
    RunPlan plan = CoordinatorTest.plan(1, 2);
    ActorRef<Coordinator.Command> c =
        testKit.spawn(Coordinator.create(new PipelineSettings(0, 2, 1), plan));
    TestProbe<RolloutWorker.Command> w = testKit.createTestProbe();
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    assertCopyOf(plan.rounds().get(0).items().get(0), expectItem(w));
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    assertCopyOf(plan.rounds().get(0).items().get(1), expectItem(w));
    // The plan is exhausted: further requests wait for good.
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    w.expectNoMessage(QUIET);
  }

  @Test
  void shouldAdmitByStalenessAgainstTheConsumingRound() {
    // max_staleness 1, one item per round: a worker at version w may take rounds w and w + 1.
    ActorRef<Coordinator.Command> c =
        testKit.spawn(Coordinator.create(new PipelineSettings(1, 8, 2), CoordinatorTest.plan(4, 1)));
    TestProbe<RolloutWorker.Command> fresh = testKit.createTestProbe();
    TestProbe<RolloutWorker.Command> old = testKit.createTestProbe();
    // A worker without weights (version -1) gets nothing, even with the whole plan open.
    c.tell(new Coordinator.RequestWork(-1, fresh.ref()));
    fresh.expectNoMessage(QUIET);
    c.tell(new Coordinator.RequestWork(0, old.ref()));
    assertEquals(0, expectItem(old).round());
    c.tell(new Coordinator.RequestWork(0, old.ref()));
    assertEquals(1, expectItem(old).round());
    // Round 2 is consumed at version 2: two versions ahead of the old worker.
    c.tell(new Coordinator.RequestWork(0, old.ref()));
    old.expectNoMessage(QUIET);
    // The learner reaching version 1 does not make version-0 samples fit round 2.
    c.tell(new Coordinator.LearnerAdvanced(1, 1));
    old.expectNoMessage(QUIET);
    // A worker reporting version 1 may take round 2 (staleness 1), the old one still waits.
    c.tell(new Coordinator.RequestWork(1, fresh.ref()));
    assertEquals(2, expectItem(fresh).round());
    old.expectNoMessage(QUIET);
  }

  @Test
  void shouldStopAdmittingAtBufferCapacityAndReleaseWaitingWorkersWhenTheLearnerAdvances() {
    // Staleness is no limit here (5); only the buffer bound of 2 micro-batches holds work back.
    ActorRef<Coordinator.Command> c =
        testKit.spawn(Coordinator.create(new PipelineSettings(5, 2, 3), CoordinatorTest.plan(3, 2)));
    TestProbe<RolloutWorker.Command> a = testKit.createTestProbe();
    TestProbe<RolloutWorker.Command> b = testKit.createTestProbe();
    TestProbe<RolloutWorker.Command> d = testKit.createTestProbe();
    c.tell(new Coordinator.RequestWork(0, a.ref()));
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    assertEquals(0, expectItem(a).micro());
    assertEquals(1, expectItem(b).micro());
    // Two admitted, none consumed: the buffer would be full.
    c.tell(new Coordinator.RequestWork(0, a.ref()));
    c.tell(new Coordinator.RequestWork(0, b.ref()));
    c.tell(new Coordinator.RequestWork(0, d.ref()));
    a.expectNoMessage(QUIET);
    b.expectNoMessage(QUIET);
    d.expectNoMessage(QUIET);
    // One consumed frees one slot: the longest-waiting worker gets round 1's first item.
    c.tell(new Coordinator.LearnerAdvanced(1, 1));
    WorkItem first = expectItem(a);
    assertEquals(1, first.round());
    assertEquals(0, first.micro());
    b.expectNoMessage(QUIET);
    // The next consumed slot goes to the next waiting worker, in request order.
    c.tell(new Coordinator.LearnerAdvanced(1, 1));
    WorkItem second = expectItem(b);
    assertEquals(1, second.round());
    assertEquals(1, second.micro());
    d.expectNoMessage(QUIET);
    c.tell(new Coordinator.LearnerAdvanced(2, 2));
    WorkItem third = expectItem(d);
    assertEquals(2, third.round());
    assertEquals(0, third.micro());
  }

  @Test
  void shouldKeepOneWaitingRequestPerWorker() {
    ActorRef<Coordinator.Command> c =
        testKit.spawn(Coordinator.create(new PipelineSettings(5, 1, 1), CoordinatorTest.plan(3, 1)));
    TestProbe<RolloutWorker.Command> w = testKit.createTestProbe();
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    assertEquals(0, expectItem(w).round());
    // Buffer full: three requests from the same worker are one waiting request.
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    c.tell(new Coordinator.RequestWork(0, w.ref()));
    w.expectNoMessage(QUIET);
    c.tell(new Coordinator.LearnerAdvanced(1, 1));
    assertEquals(1, expectItem(w).round());
    // A second freed slot finds nobody waiting: the worker must ask again.
    c.tell(new Coordinator.LearnerAdvanced(2, 1));
    w.expectNoMessage(QUIET);
    c.tell(new Coordinator.RequestWork(1, w.ref()));
    assertEquals(2, expectItem(w).round());
  }

  @Test
  void shouldRefuseABufferSmallerThanARound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Coordinator.create(new PipelineSettings(0, 1, 1), CoordinatorTest.plan(1, 2)));
    assertTrue(e.getMessage().contains("must hold one whole round"), e.getMessage());
  }
}
