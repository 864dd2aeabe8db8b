package dev.beaver.actors.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.actors.transfer.ChunkedPayload.Assembled;
import dev.beaver.actors.transfer.ChunkedPayload.Chunk;
import dev.beaver.actors.transfer.ChunkedPayload.Inbound;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Relayed broadcasts through chains of receivers in one system; serialize-messages = on sends
 * every message (relay offers, chunks, hop reports) through Kryo.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class BroadcastTest {

  @JUnit5TestKit public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private static TransferSettings settings(
      int chunkBytes, int window, Duration ackTimeout, int maxRetries) {
    return new TransferSettings(
        chunkBytes, window, ackTimeout, maxRetries, 64L << 20, 4, Duration.ofSeconds(30), true);
  }

  private static final TransferSettings DEFAULTS =
      settings(ChunkedPayload.MAX_CHUNK_BYTES, 8, Duration.ofSeconds(3), 3);

  static byte[] payload(int bytes, long seed) {
    byte[] p = new byte[bytes];
    new Random(seed).nextBytes(p);
    return p;
  }

  static long crc(byte[] b) {
    CRC32C c = new CRC32C();
    c.update(b);
    return c.getValue();
  }

  private record Hop(ActorRef<Inbound> ref, TestProbe<Assembled> subscriber) {}

  private List<Hop> receivers(TransferSettings s, int n) {
    List<Hop> hops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestProbe<Assembled> subscriber = testKit.createTestProbe();
      ActorRef<ChunkReceiver.Command> r =
          testKit.spawn(ChunkReceiver.create(s, subscriber.ref()));
      hops.add(new Hop(r.narrow(), subscriber));
    }
    return hops;
  }

  private static List<ActorRef<Inbound>> refs(List<Hop> hops) {
    return hops.stream().map(Hop::ref).toList();
  }

  private Broadcast.Result broadcast(
      TransferSettings s, long id, long version, byte[] payload, List<ActorRef<Inbound>> chain) {
    TestProbe<Broadcast.Result> result = testKit.createTestProbe();
    testKit.spawn(
        Broadcast.create(s, id, version, ByteBuffer.wrap(payload), chain, result.ref()));
    return result.receiveMessage(Duration.ofSeconds(60));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void shouldDeliverIdenticalPayloadsToEveryReceiverOfTheChain(int r) {
    List<Hop> hops = receivers(DEFAULTS, r);
    byte[] p = payload((8 << 20) + 13, r);
    Broadcast.Delivered d =
        assertInstanceOf(Broadcast.Delivered.class, broadcast(DEFAULTS, 1, 1, p, refs(hops)));
    assertEquals(p.length, d.bytes());
    assertEquals(r, d.receivers());
    for (Hop h : hops) {
      Assembled a = h.subscriber().receiveMessage();
      assertEquals(1, a.version());
      assertEquals(crc(p), crc(a.toByteArray()), "checksum at " + h.ref().path());
      h.subscriber().expectNoMessage(Duration.ofMillis(20));
    }
  }

  @Test
  void shouldRelayManySmallChunksWithATightWindowAndSuccessiveVersions() {
    // 200 chunks of 16 KiB (the last one shorter), window 2: acknowledgements are held back along
    // the chain on almost every chunk.
    TransferSettings s = settings(16 << 10, 2, Duration.ofSeconds(3), 3);
    List<Hop> hops = receivers(s, 4);
    for (long v = 1; v <= 2; v++) {
      byte[] p = payload((200 << 14) - 999, 10 + v);
      assertInstanceOf(Broadcast.Delivered.class, broadcast(s, 10 + v, v, p, refs(hops)));
      for (Hop h : hops) {
        Assembled a = h.subscriber().receiveMessage();
        assertEquals(v, a.version());
        assertArrayEquals(p, a.toByteArray());
      }
    }
  }

  /** Forwards everything to {@code target} but drops the first copy of chunk {@code dropIndex}. */
  private static Behavior<ChunkReceiver.Command> lossy(
      ActorRef<ChunkReceiver.Command> target, int dropIndex) {
    AtomicBoolean dropped = new AtomicBoolean();
    return Behaviors.receiveMessage(
        m -> {
          if (m instanceof Chunk c
              && c.index() == dropIndex
              && dropped.compareAndSet(false, true)) {
            return Behaviors.same();
          }
          target.tell(m);
          return Behaviors.same();
        });
  }

  @Test
  void shouldResendALostChunkInTheMiddleOfTheChain() {
    TransferSettings s = settings(ChunkedPayload.MAX_CHUNK_BYTES, 4, Duration.ofMillis(300), 3);
    List<Hop> hops = receivers(s, 3);
    ActorRef<ChunkReceiver.Command> lossy =
        testKit.spawn(lossy(hops.get(1).ref().unsafeUpcast(), 2), "lossy");
    List<ActorRef<Inbound>> chain =
        List.of(hops.get(0).ref(), lossy.narrow(), hops.get(2).ref());
    byte[] p = payload(6 << 20, 3);
    assertInstanceOf(Broadcast.Delivered.class, broadcast(s, 20, 1, p, chain));
    for (Hop h : hops) {
      assertArrayEquals(p, h.subscriber().receiveMessage().toByteArray());
    }
  }

  /** Forwards to {@code target} until {@code chunks} chunks went through, then stops (dies). */
  private static Behavior<ChunkReceiver.Command> diesAfter(
      ActorRef<ChunkReceiver.Command> target, int chunks) {
    AtomicInteger seen = new AtomicInteger();
    return Behaviors.receiveMessage(
        m -> {
          if (m instanceof Chunk && seen.incrementAndGet() > chunks) {
            return Behaviors.stopped();
          }
          target.tell(m);
          return Behaviors.same();
        });
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 3})
  void shouldFailNamingAReceiverThatDiesMidTransfer(int dying) {
    TransferSettings s = settings(ChunkedPayload.MAX_CHUNK_BYTES, 4, Duration.ofMillis(200), 2);
    List<Hop> hops = receivers(s, 4);
    List<ActorRef<Inbound>> chain = new ArrayList<>(refs(hops));
    ActorRef<ChunkReceiver.Command> dies =
        testKit.spawn(diesAfter(chain.get(dying).unsafeUpcast(), 3), "dies-" + dying);
    chain.set(dying, dies.narrow());
    long start = System.nanoTime();
    Broadcast.Failed f =
        assertInstanceOf(
            Broadcast.Failed.class, broadcast(s, 30 + dying, 1, payload(16 << 20, 4), chain));
    assertEquals(dying, f.hop(), f.toString());
    assertTrue(f.receiver().endsWith("/dies-" + dying), f.receiver());
    assertTrue(f.reason().contains("no progress"), f.reason());
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "failed within seconds");
  }

  @Test
  void shouldFailNamingAReceiverThatRefusesTheVersion() {
    List<Hop> hops = receivers(DEFAULTS, 3);
    // Hop 1 already holds version 5.
    TestProbe<ChunkSender.Result> sent = testKit.createTestProbe();
    testKit.spawn(
        ChunkSender.create(
            DEFAULTS, 40, 5, ByteBuffer.wrap(payload(100, 5)), hops.get(1).ref(), sent.ref()));
    assertInstanceOf(ChunkSender.Delivered.class, sent.receiveMessage(Duration.ofSeconds(10)));
    Broadcast.Failed f =
        assertInstanceOf(
            Broadcast.Failed.class, broadcast(DEFAULTS, 41, 3, payload(3 << 20, 6), refs(hops)));
    assertEquals(1, f.hop());
    assertTrue(f.reason().contains("STALE_VERSION"), f.reason());
  }

  @Test
  void shouldRejectAnEmptyOrRepeatingChain() {
    List<Hop> hops = receivers(DEFAULTS, 1);
    ByteBuffer p = ByteBuffer.wrap(new byte[1]);
    TestProbe<Broadcast.Result> result = testKit.createTestProbe();
    assertThrows(
        IllegalArgumentException.class,
        () -> Broadcast.create(DEFAULTS, 1, 1, p, List.of(), result.ref()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Broadcast.create(
                DEFAULTS, 1, 1, p, List.of(hops.get(0).ref(), hops.get(0).ref()), result.ref()));
  }
}
