package dev.beaver.rollout;

import static dev.beaver.rollout.SerializeMessages.QUIET;
import static dev.beaver.rollout.SerializeMessages.experience;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.beaver.learner.rl.Experience;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The experience buffer's protocol: {@code Add} goes through Kryo (it crosses nodes), {@code
 * TakeRound} and {@code RoundReady} stay in the learner's JVM.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class ExperienceBufferProtocolTest {
  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();

  private static float[] rewards(List<Experience> experiences) {
    float[] out = new float[experiences.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = experiences.get(i).reward()[0];
    }
    return out;
  }

  @Test
  void shouldReplyWithTheRoundInMicroBatchOrderOnceItIsComplete() {
    ActorRef<ExperienceBuffer.Command> buffer = testKit.spawn(ExperienceBuffer.create(4));
    TestProbe<ExperienceBuffer.RoundReady> learner = testKit.createTestProbe();
    Experience second = experience(11f);
    buffer.tell(new ExperienceBuffer.Add(0, 2, experience(12f)));
    buffer.tell(new ExperienceBuffer.Add(1, 0, experience(20f)));
    buffer.tell(new ExperienceBuffer.Add(0, 1, second));
    buffer.tell(new ExperienceBuffer.TakeRound(0, 3, learner.ref()));
    // Micro-batch 0 of round 0 is missing.
    learner.expectNoMessage(QUIET);
    buffer.tell(new ExperienceBuffer.Add(0, 0, experience(10f)));
    ExperienceBuffer.RoundReady ready =
        learner.expectMessageClass(ExperienceBuffer.RoundReady.class);
    assertEquals(0, ready.round());
    assertArrayEquals(new float[] {10f, 11f, 12f}, rewards(ready.experiences()), 0f);
    // The experience came through Kryo: a copy with the same arrays.
    Experience got = ready.experiences().get(1);
    assertNotSame(second, got);
    assertArrayEquals(second.inputIds()[0], got.inputIds()[0]);
    assertArrayEquals(second.logProbs()[0], got.logProbs()[0], 0f);
    assertEquals(null, got.cost());
  }

  @Test
  void shouldKeepLaterRoundsAndFreeTheTakenRound() {
    ActorRef<ExperienceBuffer.Command> buffer = testKit.spawn(ExperienceBuffer.create(2));
    TestProbe<ExperienceBuffer.RoundReady> learner = testKit.createTestProbe();
    buffer.tell(new ExperienceBuffer.Add(0, 0, experience(1f)));
    buffer.tell(new ExperienceBuffer.Add(1, 0, experience(2f)));
    buffer.tell(new ExperienceBuffer.TakeRound(0, 1, learner.ref()));
    assertArrayEquals(new float[] {1f},
        rewards(learner.expectMessageClass(ExperienceBuffer.RoundReady.class).experiences()), 0f);
    // Round 0 left the buffer, so a third Add fits in the capacity of 2.
    buffer.tell(new ExperienceBuffer.Add(1, 1, experience(3f)));
    buffer.tell(new ExperienceBuffer.TakeRound(1, 2, learner.ref()));
    ExperienceBuffer.RoundReady ready =
        learner.expectMessageClass(ExperienceBuffer.RoundReady.class);
    assertEquals(1, ready.round());
    assertArrayEquals(new float[] {2f, 3f}, rewards(ready.experiences()), 0f);
  }

  @Test
  void shouldFailWhenAnAddExceedsTheCapacity() {
    ActorRef<ExperienceBuffer.Command> buffer = testKit.spawn(ExperienceBuffer.create(2));
    TestProbe<Object> watcher = testKit.createTestProbe();
    buffer.tell(new ExperienceBuffer.Add(0, 0, experience(1f)));
    buffer.tell(new ExperienceBuffer.Add(0, 1, experience(2f)));
    LoggingTestKit.error(IllegalStateException.class)
        .withMessageContains("over its capacity of 2")
        .expect(testKit.system(), () -> {
          buffer.tell(new ExperienceBuffer.Add(1, 0, experience(3f)));
          return null;
        });
    watcher.expectTerminated(buffer);
  }
}
