package dev.beaver.rollout;

import static dev.beaver.rollout.SerializeMessages.QUIET;
import static dev.beaver.rollout.SerializeMessages.experience;
import static dev.beaver.rollout.SerializeMessages.params;
import static dev.beaver.rollout.SerializeMessages.rollout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.serialization.KryoSerializer;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.dungeon.SerializationCheckFailedException;
import org.apache.pekko.actor.testkit.typed.LoggingEvent;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@code serialize-messages = on} does with the pipeline's messages: cluster messages go
 * through the Beaver Kryo serializer, node-local ones are exempt, and a cluster message that no
 * registrar lists never reaches its receiver.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class SerializeMessagesTest {
  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();

  /** A cluster message that no {@code KryoRegistrar} lists. */
  record Unregistered(int value) implements ClusterMessage {}

  /** Makes the sender actor tell {@code message} to {@code to}. */
  record Send(Object message, ActorRef<Object> to) implements NoSerializationVerificationNeeded {}

  private static Behavior<Send> sender() {
    return Behaviors.receiveMessage(s -> {
      s.to().tell(s.message());
      return Behaviors.same();
    });
  }

  /** The logged failure is Pekko's serialization check, caused by Kryo's refusal of the class. */
  private static boolean refusedByKryo(LoggingEvent event) {
    for (Throwable t = event.getThrowable().orElse(null); t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException && t.getMessage().contains(
          Unregistered.class.getName() + " is not registered as a cluster message")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void shouldRunWithSerializeMessagesAndBindClusterMessagesToKryo() {
    assertTrue(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages"));
    var serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    TestProbe<RolloutWorker.Command> worker = testKit.createTestProbe();
    WorkItem item = new WorkItem(0, 0, new int[][] {{1, 2}}, params(3));
    List<ClusterMessage> clusterMessages = List.of(
        new Coordinator.RequestWork(0, worker.ref()),
        new Coordinator.LearnerAdvanced(1, 2),
        new RolloutWorker.Generate(item),
        new Scorer.Score(item, rollout(0)),
        new ExperienceBuffer.Add(0, 0, experience(1f)));
    for (ClusterMessage m : clusterMessages) {
      assertInstanceOf(KryoSerializer.class, serialization.findSerializerFor(m),
          m.getClass().getName());
    }
    // Node-local messages are not checked (weights as host tensors, the learner's replies).
    TestProbe<ExperienceBuffer.RoundReady> learner = testKit.createTestProbe();
    List<Object> local = List.of(new RolloutWorker.WeightsPublished(0, Map.of()),
        new ExperienceBuffer.TakeRound(0, 1, learner.ref()),
        new ExperienceBuffer.RoundReady(0, List.of()));
    for (Object m : local) {
      assertInstanceOf(NoSerializationVerificationNeeded.class, m);
    }
    // A cluster message told to an actor arrives as a Kryo copy.
    TestProbe<Object> probe = testKit.createTestProbe();
    Coordinator.LearnerAdvanced sent = new Coordinator.LearnerAdvanced(3, 1);
    probe.ref().tell(sent);
    Object got = probe.receiveMessage();
    assertEquals(sent, got);
    assertNotSame(sent, got);
  }

  @Test
  void shouldDropAnUnregisteredClusterMessageToldFromOutsideAndLogTheFailure() {
    TestProbe<Object> probe = testKit.createTestProbe();
    // Pekko's send catches the serialization check's exception: tell does not throw, an error is
    // logged ("swallowing exception during message send") and the message is dropped.
    LoggingTestKit.error(SerializationCheckFailedException.class)
        .withCustom(SerializeMessagesTest::refusedByKryo)
        .expect(testKit.system(), () -> {
          probe.ref().tell(new Unregistered(1));
          return null;
        });
    probe.expectNoMessage(QUIET);
  }

  @Test
  void shouldDropAnUnregisteredClusterMessageSentByAnActorWhichCarriesOn() {
    TestProbe<Object> probe = testKit.createTestProbe();
    ActorRef<Send> sender = testKit.spawn(sender());
    LoggingTestKit.error(SerializationCheckFailedException.class)
        .withCustom(SerializeMessagesTest::refusedByKryo)
        .expect(testKit.system(), () -> {
          sender.tell(new Send(new Unregistered(2), probe.ref()));
          return null;
        });
    // The sending actor did not fail: its next, registered message arrives.
    sender.tell(new Send(new Coordinator.LearnerAdvanced(5, 1), probe.ref()));
    assertEquals(new Coordinator.LearnerAdvanced(5, 1), probe.receiveMessage());
    probe.expectNoMessage(QUIET);
  }
}
