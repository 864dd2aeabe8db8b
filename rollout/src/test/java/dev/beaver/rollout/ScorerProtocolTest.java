package dev.beaver.rollout;

import static dev.beaver.rollout.SerializeMessages.QUIET;
import static dev.beaver.rollout.SerializeMessages.params;
import static dev.beaver.rollout.SerializeMessages.rollout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scorer's protocol with a custom {@link ExperienceScorer}: Score in, Add to the buffer out. */
@ExtendWith(TestKitJUnit5Extension.class)
class ScorerProtocolTest {
  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();

  /** A rule-based scorer: the reward is the number of generated tokens, no reference model. */
  record Call(NDManager manager, Rollout rollout) {}

  private static ExperienceScorer lengthScorer(List<Call> calls) {
    return (manager, r) -> {
      calls.add(new Call(manager, r));
      assertTrue(manager.isOpen());
      float[] reward = new float[r.batchSize()];
      float[][] ref = new float[r.batchSize()][];
      for (int i = 0; i < reward.length; i++) {
        for (int t = r.start() + 1; t < r.attentionMask()[i].length; t++) {
          reward[i] += r.attentionMask()[i][t] ? 1f : 0f;
        }
        ref[i] = r.logProbs()[i].clone();
      }
      return new Experience(r.inputIds(), r.attentionMask(), r.start(), r.logProbs(), ref,
          reward, null, null, null, r.policyVersion());
    };
  }

  @Test
  void shouldAddTheScorersExperienceUnderTheItemsRoundAndMicroBatch() {
    List<Call> calls = new CopyOnWriteArrayList<>();
    TestProbe<ExperienceBuffer.Command> buffer = testKit.createTestProbe();
    ActorRef<Scorer.Command> scorer =
        testKit.spawn(Scorer.create(lengthScorer(calls), buffer.ref()));
    Rollout sent = rollout(3);
    WorkItem item = new WorkItem(4, 1, new int[][] {{5, 6}}, params(9));
    scorer.tell(new Scorer.Score(item, sent));
    ExperienceBuffer.Add add = buffer.expectMessageClass(ExperienceBuffer.Add.class);
    assertEquals(4, add.round());
    assertEquals(1, add.micro());
    Experience e = add.experience();
    assertArrayEquals(new float[] {2f}, e.reward(), 0f);
    assertEquals(3, e.policyVersion());
    assertEquals(sent.start(), e.start());
    assertArrayEquals(sent.inputIds()[0], e.inputIds()[0]);
    assertArrayEquals(sent.logProbs()[0], e.refLogProbs()[0], 0f);
    // The scorer saw a Kryo copy of the rollout, in a scoped manager closed after the call.
    assertEquals(1, calls.size());
    assertNotSame(sent, calls.get(0).rollout());
    // (closed right after the Add is sent, so wait for it).
    buffer.awaitAssert(() -> {
      assertFalse(calls.get(0).manager().isOpen());
      return null;
    });
  }

  @Test
  void shouldScoreEveryMessageInArrivalOrder() {
    List<Call> calls = new CopyOnWriteArrayList<>();
    TestProbe<ExperienceBuffer.Command> buffer = testKit.createTestProbe();
    ActorRef<Scorer.Command> scorer =
        testKit.spawn(Scorer.create(lengthScorer(calls), buffer.ref()));
    for (int m = 0; m < 3; m++) {
      scorer.tell(new Scorer.Score(new WorkItem(0, m, new int[][] {{5, 6}}, params(m)),
          rollout(0)));
    }
    for (int m = 0; m < 3; m++) {
      assertEquals(m, buffer.expectMessageClass(ExperienceBuffer.Add.class).micro());
    }
  }

  @Test
  void shouldFailWhenTheExperienceScorerThrows() {
    TestProbe<ExperienceBuffer.Command> buffer = testKit.createTestProbe();
    TestProbe<Object> watcher = testKit.createTestProbe();
    ActorRef<Scorer.Command> scorer = testKit.spawn(Scorer.create((manager, r) -> {
      throw new IllegalStateException("reward service unavailable");
    }, buffer.ref()));
    LoggingTestKit.error(IllegalStateException.class)
        .withMessageContains("reward service unavailable")
        .expect(testKit.system(), () -> {
          scorer.tell(new Scorer.Score(new WorkItem(0, 0, new int[][] {{5, 6}}, params(1)),
              rollout(0)));
          return null;
        });
    watcher.expectTerminated(scorer);
    buffer.expectNoMessage(QUIET);
  }
}
