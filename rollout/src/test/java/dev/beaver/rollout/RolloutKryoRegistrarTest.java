package dev.beaver.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.beaver.actors.serialization.KryoSerializer;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.generate.SamplingParams;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import dev.beaver.rollout.cluster.JobEvent;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeAgent;

/** The pipeline's cross-node records go through Kryo with this module's registrations. */
@ExtendWith(TestKitJUnit5Extension.class)
class RolloutKryoRegistrarTest {
  @JUnit5TestKit public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private Object roundTrip(Object msg) {
    Serialization s = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = s.findSerializerFor(msg);
    assertInstanceOf(KryoSerializer.class, serializer);
    byte[] bytes = s.serialize(msg).get();
    return s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg))
        .get();
  }

  @Test
  void shouldRoundTripRolloutsAndExperience() {
    WorkItem item = new WorkItem(3, 1, new int[][] {{1, 2}, {3}},
        new SamplingParams(0.7, 0.9, 50, 1.0, 0, 84, 42));
    long[][] ids = {{0, 1, 2, 3}, {0, 0, 3, 4}};
    boolean[][] mask = {{false, true, true, true}, {false, false, true, true}};
    float[][] lp = {{0.1f, 0.2f, 0.3f}, {0.4f, 0.5f, 0.6f}};
    Rollout rollout = new Rollout(ids, mask, 1, lp, 2);
    Scorer.Score score = (Scorer.Score) roundTrip(new Scorer.Score(item, rollout));
    assertEquals(item.params(), score.item().params());
    assertArrayEquals(item.prompts()[0], score.item().prompts()[0]);
    assertArrayEquals(ids[1], score.rollout().inputIds()[1]);
    assertArrayEquals(mask[1], score.rollout().attentionMask()[1]);
    assertArrayEquals(lp[0], score.rollout().logProbs()[0], 0f);

    Experience e = new Experience(ids, mask, 1, lp, lp, new float[] {1f, 2f}, null, lp, null, 2);
    ExperienceBuffer.Add add = (ExperienceBuffer.Add) roundTrip(new ExperienceBuffer.Add(3, 1, e));
    assertEquals(3, add.round());
    assertArrayEquals(new float[] {1f, 2f}, add.experience().reward(), 0f);
    assertEquals(null, add.experience().cost());

    Object req = roundTrip(new Coordinator.LearnerAdvanced(4, 2));
    assertEquals(new Coordinator.LearnerAdvanced(4, 2), req);
    RolloutWorker.Generate g = (RolloutWorker.Generate) roundTrip(new RolloutWorker.Generate(item));
    assertEquals(42, g.item().params().seed());
  }

  @Test
  void shouldRoundTripTheJobProtocol() {
    JobSpec job = new JobSpec("ppo-lag", java.util.List.of("--epochs", "1"));
    var probe = testKit.<JobEvent>createTestProbe();
    var start = (NodeAgent.StartWorkers) roundTrip(
        new NodeAgent.StartWorkers(job, 2, 3, testKit.<Coordinator.Command>createTestProbe().ref(),
            testKit.<Scorer.Command>createTestProbe().ref(), probe.ref()));
    assertEquals(job, start.job());
    assertEquals(3, start.count());
    assertEquals(probe.ref(), start.replyTo());
    var finished = (JobEvent.JobFinished) roundTrip(
        new JobEvent.JobFinished(4, 8, new long[] {6, 2}));
    assertArrayEquals(new long[] {6, 2}, finished.stalenessHistogram());
    assertEquals(new JobEvent.JobFailed("n", "why"), roundTrip(new JobEvent.JobFailed("n", "why")));
    assertEquals(new NodeAgent.EndJob(), roundTrip(new NodeAgent.EndJob()));
  }
}
