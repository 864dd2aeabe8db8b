package dev.beaver.actors.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.actors.transfer.ChunkedPayload.Assembled;
import dev.beaver.actors.transfer.ChunkedPayload.Inbound;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relayed broadcasts between five actor systems in this JVM over Artery tcp on 127.0.0.1: a
 * sender and four receiver nodes, each receiver relaying chunks to the next over its own
 * association (serialize-messages on).
 */
@Tag("slow")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteBroadcastTest {
  private static final Logger log = LoggerFactory.getLogger(RemoteBroadcastTest.class);
  private static final int RECEIVERS = 4;

  private static NodeSettings settings;
  private static BeaverNode sender;
  private static final List<BeaverNode> nodes = new ArrayList<>();
  private static final List<TestProbe<Assembled>> subscribers = new ArrayList<>();
  /** Each receiver node's /user/chunks-weights as seen from the sender node. */
  private static final List<ActorRef<Inbound>> receivers = new ArrayList<>();

  @BeforeAll
  static void start() {
    Config base =
        ConfigFactory.parseString(
                "pekko.actor.serialize-messages = on\n"
                    + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
            .withFallback(ConfigFactory.load())
            .resolve();
    settings =
        NodeSettings.fromRoot(base)
            .withTransport(Transport.TCP)
            .withHostname("127.0.0.1")
            .withPort(0)
            .withAutoJoin(false);
    sender = BeaverNode.start(settings, base);
    for (int i = 0; i < RECEIVERS; i++) {
      BeaverNode node = BeaverNode.start(settings, base);
      nodes.add(node);
      TestProbe<Assembled> subscriber = TestProbe.create(node.system());
      subscribers.add(subscriber);
      ActorRef<ChunkReceiver.Command> chunks =
          node.spawnAndWait(
              ChunkReceiver.create(settings.transfer(), subscriber.ref()),
              ChunkReceiver.NAME_PREFIX + "weights",
              Duration.ofSeconds(10));
      String path = ActorRefResolver.get(node.system()).toSerializationFormat(chunks);
      receivers.add(ActorRefResolver.get(sender.system()).resolveActorRef(path));
    }
  }

  @AfterAll
  static void stop() {
    for (BeaverNode n : nodes) {
      n.shutdown(Duration.ofSeconds(15));
    }
    if (sender != null) {
      sender.shutdown(Duration.ofSeconds(15));
    }
  }

  private static Broadcast.Result broadcast(
      TransferSettings s, long version, byte[] payload, List<ActorRef<Inbound>> chain) {
    TestProbe<Broadcast.Result> result = TestProbe.create(sender.system());
    sender.spawnAndWait(
        Broadcast.create(s, version, version, ByteBuffer.wrap(payload), chain, result.ref()),
        "broadcast-" + version,
        Duration.ofSeconds(10));
    return result.receiveMessage(Duration.ofSeconds(90));
  }

  @Test
  @Order(1)
  void shouldDeliverIdenticalPayloadsThroughChainsOfOneTwoAndFourNodes() {
    long version = 0;
    for (int r : new int[] {1, 2, 4}) {
      version++;
      byte[] p = BroadcastTest.payload(8 << 20, 100 + r);
      long start = System.nanoTime();
      Broadcast.Delivered d =
          assertInstanceOf(
              Broadcast.Delivered.class,
              broadcast(settings.transfer(), version, p, receivers.subList(0, r)));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals(r, d.receivers());
      for (int i = 0; i < r; i++) {
        Assembled a = subscribers.get(i).receiveMessage(Duration.ofSeconds(10));
        assertEquals(version, a.version());
        assertEquals(BroadcastTest.crc(p), BroadcastTest.crc(a.toByteArray()), "node " + i);
      }
      log.info(
          "8 MiB relayed over tcp to [{}] node(s): {} ms (serialize-messages on)",
          r,
          Math.round(seconds * 1000));
    }
  }

  @Test
  @Order(2)
  void shouldFailNamingANodeThatIsGoneFromTheMiddleOfTheChain() {
    // Runs last (it stops a node); versions far above the other test's.
    BeaverNode doomed = nodes.get(RECEIVERS - 1);
    doomed.shutdown(Duration.ofSeconds(15));
    TransferSettings s =
        new TransferSettings(
            ChunkedPayload.MAX_CHUNK_BYTES,
            8,
            Duration.ofMillis(500),
            2,
            settings.transfer().maxBufferedBytes(),
            4,
            Duration.ofSeconds(30),
            true);
    // Chain: node 0, the stopped node, node 1. The receivers relay with the nodes' settings
    // (ack timeout 5 s), so node 0's relay would give up after 30 s; the broadcaster's stall
    // timer (4 x 500 ms after node 0 completed) names the first receiver that did not confirm.
    List<ActorRef<Inbound>> chain =
        List.of(receivers.get(0), receivers.get(RECEIVERS - 1), receivers.get(1));
    long start = System.nanoTime();
    Broadcast.Failed f =
        assertInstanceOf(
            Broadcast.Failed.class, broadcast(s, 1000, BroadcastTest.payload(4 << 20, 7), chain));
    assertEquals(1, f.hop(), f.toString());
    assertEquals(receivers.get(RECEIVERS - 1).path().toString(), f.receiver());
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "failed within seconds");
    // 4 chunks fit in one window: node 0 had the whole version before its relay gave up.
    assertEquals(1000, subscribers.get(0).receiveMessage(Duration.ofSeconds(5)).version());
  }
}
