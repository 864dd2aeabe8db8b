package dev.beaver.actors.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.LogCapture;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.actors.serialization.ForgingSerializer.Forged;
import dev.beaver.actors.serialization.ForgingSerializer.ForgedJava;
import dev.beaver.actors.transfer.ChunkedPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile payloads over a real Artery (tcp) connection. A sending node whose serializer forges
 * envelopes ({@link ForgingSerializer}: Kryo's serializer id, or Java serialization's id 1, with
 * any manifest and bytes) sends them straight to an actor on a normal receiving node; the
 * receiver's inbound stage hands them to its serializers by id. Each is dropped with a logged
 * reason, no instance of the class the payload carries is made, and the connection keeps working:
 * a valid message forged the same way and sent after them arrives.
 */
@Tag("slow")
@Timeout(90)
class RemoteHostilePayloadTest {

  private static Config base() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                "pekko.coordinated-shutdown.terminate-actor-system = on",
                "beaver.kryo.registrars.test = \"" + TestKryoRegistrar.class.getName() + "\""))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** The hostile node: its ClusterMessages go through the forging serializer. */
  private static Config forgingBase() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.actor.serializers.beaver-kryo = \"" + ForgingSerializer.class.getName()
                    + "\"",
                "pekko.actor.serializers.java = \"" + ForgingSerializer.Java.class.getName()
                    + "\"",
                "pekko.actor.serialization-bindings {",
                "  \"" + ForgedJava.class.getName() + "\" = java",
                "}"))
        .withFallback(base())
        .resolve();
  }

  @Test
  void shouldDropHostilePayloadsAndKeepTheConnection() throws Exception {
    // (what the receiver's log names as the reason, the forged message)
    List<Object[]> hostile = new ArrayList<>();
    hostile.add(
        new Object[] {
          "refusing a class named in the payload",
          new Forged(HostilePayloads.HOLDER_MANIFEST, HostilePayloads.tripwireByName())
        });
    hostile.add(
        new Object[] {
          "refusing a class named in the payload",
          new Forged(HostilePayloads.HOLDER_MANIFEST, HostilePayloads.tripwireByNameInAMap())
        });
    hostile.add(
        new Object[] {
          "unregistered class ID: " + HostilePayloads.TRIPWIRE_ID,
          new Forged(HostilePayloads.HOLDER_MANIFEST, HostilePayloads.tripwireById())
        });
    hostile.add(
        new Object[] {
          "is not a registered message id",
          new Forged(Tripwire.class.getName(), HostilePayloads.tripwireById())
        });
    hostile.add(
        new Object[] {
          "allow-java-serialization", new ForgedJava(HostilePayloads.javaSerializedTripwire())
        });
    ChunkedPayload.Progress valid = new ChunkedPayload.Progress(7, 8, 9);
    byte[] validBytes;
    Config receiverBase = base();
    Config senderBase = forgingBase();
    NodeSettings defaults =
        NodeSettings.fromRoot(receiverBase)
            .withTransport(Transport.TCP)
            .withHostname("127.0.0.1")
            .withPort(0)
            .withAutoJoin(false)
            .withRoles(Set.of(Role.LEARNER));
    int before = Tripwire.instances();
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    BeaverNode receiver = null;
    BeaverNode sender = null;
    try (LogCapture log = new LogCapture()) {
      receiver = BeaverNode.start(defaults, receiverBase);
      KryoSerializer kryo =
          new KryoSerializer(null, KryoRegistry.of(List.of(new ActorsKryoRegistrar())));
      validBytes = kryo.toBinary(valid);
      receiver.spawnAndWait(
          Behaviors.<ClusterMessage>receiveMessage(
              m -> {
                received.add(m);
                return Behaviors.same();
              }),
          "sink",
          Duration.ofSeconds(10));
      sender = BeaverNode.start(defaults.withRoles(Set.of(Role.ROLLOUT)), senderBase);
      ActorRef sink =
          Adapter.toClassic(sender.system())
              .actorSelection(receiver.address() + "/user/sink")
              .resolveOne(Duration.ofSeconds(10))
              .toCompletableFuture()
              .get(15, TimeUnit.SECONDS);

      for (Object[] h : hostile) {
        sink.tell(h[1], ActorRef.noSender());
      }
      // Same connection, same forging path, registered bytes: this one is a real message.
      sink.tell(new Forged(kryo.manifest(valid), validBytes), ActorRef.noSender());

      assertEquals(valid, received.poll(20, TimeUnit.SECONDS), "the valid message arrived");
      // Artery keeps the order of one connection: everything sent before it was handled.
      assertTrue(received.isEmpty(), "nothing hostile was delivered: " + received);
      assertEquals(before, Tripwire.instances(), "no Tripwire was instantiated on the receiver");
      // Pekko logs asynchronously (event stream -> SLF4J actor): the lines may trail the delivery.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (log.containing("Failed to deserialize message").size() < hostile.size()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<String> dropped = log.containing("Failed to deserialize message");
      assertEquals(hostile.size(), dropped.size(), "one drop per hostile payload: " + dropped);
      for (Object[] h : hostile) {
        String reason = (String) h[0];
        assertFalse(
            dropped.stream().noneMatch(l -> l.contains(reason)),
            "a drop names [" + reason + "]: " + dropped);
      }
    } finally {
      if (sender != null) {
        sender.shutdown(Duration.ofSeconds(15));
      }
      if (receiver != null) {
        receiver.shutdown(Duration.ofSeconds(15));
      }
    }
  }
}
