package dev.beaver.rollout.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.serialization.KryoSerializer;
import dev.beaver.actors.transfer.TransferSettings;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.shard.Collective;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The group's transport without models: three shards exchange slices, small ones as Kryo
 * messages and large ones through the chunked transfer, every cross-node message serialized
 * ({@code serialize-messages = on}); contributions that arrive before the local one are kept.
 */
class ShardExchangeTest {
  static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("shard-exchange",
        ConfigFactory.load("application-serialize-messages"));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static float[] data(int from, int to, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = from * 1000 + to * 100 + i * 0.5f;
    }
    return out;
  }

  @Test
  void shouldExchangeSmallAndLargeSlicesBetweenThreeShards() throws Exception {
    int k = 3;
    TransferSettings transfer = TransferSettings.from(
        testKit.system().settings().config().getConfig("beaver.node.transfer"));
    List<ShardEndpoint> endpoints = new ArrayList<>();
    for (int r = 0; r < k; r++) {
      int rank = r;
      // 1 KiB messages at most here, so that the 40 KB slices take the chunked transfer.
      ShardEndpoint.Spawner spawner = new ShardEndpoint.Spawner() {
        @Override
        public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
          return testKit.spawn(behavior, "t-" + name);
        }
      };
      ActorRef<ShardExchange.Command> ex = spawner.spawn(
          ShardExchange.create(rank, k, transfer, 1024), "exchange-" + rank);
      var forward = spawner.spawn(ShardExchange.forwarder(ex), "forward-" + rank);
      var receiver = testKit.spawn(ShardExchange.receiver(transfer, forward),
          ShardExchange.receiverName(rank));
      endpoints.add(new ShardEndpoint(rank, ex, receiver));
    }
    List<Collective> nets = new ArrayList<>();
    for (int r = 0; r < k; r++) {
      nets.add(ShardExchange.collective(endpoints.get(r).exchange(), r, k));
    }
    // Rank 2 contributes before the group even knows its peers (stashed), then ranks 1 and 0.
    List<CompletableFuture<float[][]>> small = new ArrayList<>();
    List<CompletableFuture<float[][]>> large = new ArrayList<>();
    List<CompletableFuture<double[][]>> scalars = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      small.add(null);
      large.add(null);
      scalars.add(null);
    }
    for (int r = k - 1; r >= 0; r--) {
      float[][] s = new float[k][];
      float[][] l = new float[k][];
      for (int j = 0; j < k; j++) {
        s[j] = data(r, j, 8);
        l[j] = data(r, j, 10_000);
      }
      small.set(r, nets.get(r).allToAll(0, s));
      large.set(r, nets.get(r).allToAll(1, l));
      scalars.set(r, nets.get(r).allGather(2, new double[] {r, r * 0.25}));
      if (r == k - 1) {
        ShardExchange.Peers peers = ShardEndpoint.peers(endpoints);
        endpoints.forEach(e -> e.exchange().tell(peers));
      }
    }
    for (int r = 0; r < k; r++) {
      float[][] gotSmall = small.get(r).get(30, TimeUnit.SECONDS);
      float[][] gotLarge = large.get(r).get(60, TimeUnit.SECONDS);
      double[][] gotScalars = scalars.get(r).get(30, TimeUnit.SECONDS);
      for (int j = 0; j < k; j++) {
        assertArrayEquals(data(j, r, 8), gotSmall[j], 0f);
        assertArrayEquals(data(j, r, 10_000), gotLarge[j], 0f);
        assertArrayEquals(new double[] {j, j * 0.25}, gotScalars[j], 0.0);
      }
    }
  }

  @Test
  void shouldFailPendingStepsWhenAPeerStops() throws Exception {
    TransferSettings transfer = TransferSettings.from(
        testKit.system().settings().config().getConfig("beaver.node.transfer"));
    List<ShardEndpoint> endpoints = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int rank = r;
      endpoints.add(ShardEndpoint.start(new ShardEndpoint.Spawner() {
        @Override
        public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
          return testKit.spawn(behavior, "stop-" + name);
        }
      }, rank, 2, transfer));
    }
    ShardExchange.Peers peers = ShardEndpoint.peers(endpoints);
    endpoints.forEach(e -> e.exchange().tell(peers));
    Collective rank0 = ShardExchange.collective(endpoints.get(0).exchange(), 0, 2);
    CompletableFuture<double[][]> pending = rank0.allGather(0, new double[] {1});
    testKit.stop(endpoints.get(1).exchange());
    java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        java.util.concurrent.ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
    org.junit.jupiter.api.Assertions.assertTrue(e.getCause().getMessage().contains("terminated"),
        e.getCause().getMessage());
    // Later steps fail at once too.
    org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
        () -> rank0.allGather(1, new double[] {1}).get(30, TimeUnit.SECONDS));
  }

  @Test
  void shouldDeliverRoundItemsToTheAttachedShardsAsMessagesOrChunks() {
    TransferSettings transfer = TransferSettings.from(
        testKit.system().settings().config().getConfig("beaver.node.transfer"));
    List<ShardEndpoint> endpoints = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      endpoints.add(ShardEndpoint.start(new ShardEndpoint.Spawner() {
        @Override
        public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
          return testKit.spawn(behavior, "items-" + name);
        }
      }, r, 3, transfer, 1024));
    }
    List<org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<LearnerShard.Command>> shards =
        new ArrayList<>();
    // Rank 1 attaches before the items arrive, rank 2 after (they wait in its exchange).
    for (int r = 0; r < 3; r++) {
      shards.add(testKit.createTestProbe());
    }
    endpoints.get(1).exchange().tell(new ShardExchange.Attach(shards.get(1).ref()));
    LearnerShard.RoundItem small = item(0, 1, 2);
    LearnerShard.RoundItem large = item(1, 40, 80);
    // Sent before rank 0 knows its peers: waits in rank 0's exchange.
    endpoints.get(0).exchange().tell(new ShardExchange.SendItem(small));
    ShardExchange.Peers peers = ShardEndpoint.peers(endpoints);
    endpoints.get(0).exchange().tell(peers);
    assertSameItem(small, (LearnerShard.RoundItem) shards.get(1).receiveMessage(
        java.time.Duration.ofSeconds(30)));
    // Rank 2 holds the small item (no shard attached yet) when it learns its peers.
    endpoints.get(1).exchange().tell(peers);
    endpoints.get(2).exchange().tell(peers);
    endpoints.get(0).exchange().tell(new ShardExchange.SendItem(large));
    assertSameItem(large, (LearnerShard.RoundItem) shards.get(1).receiveMessage(
        java.time.Duration.ofSeconds(30)));
    endpoints.get(2).exchange().tell(new ShardExchange.Attach(shards.get(2).ref()));
    List<LearnerShard.RoundItem> got = new ArrayList<>();
    for (int n = 0; n < 2; n++) {
      got.add((LearnerShard.RoundItem) shards.get(2).receiveMessage(
          java.time.Duration.ofSeconds(30)));
    }
    got.sort(java.util.Comparator.comparingInt(LearnerShard.RoundItem::index));
    assertSameItem(small, got.get(0));
    assertSameItem(large, got.get(1));
    shards.get(0).expectNoMessage(java.time.Duration.ofMillis(200));
  }

  /** Item {@code index} of round 0: {@code rows} × {@code len} tokens, with weights. */
  static LearnerShard.RoundItem item(int index, int rows, int len) {
    long[][] ids = new long[rows][len];
    boolean[][] mask = new boolean[rows][len];
    float[][] lp = new float[rows][len - 1];
    float[] reward = new float[rows];
    for (int r = 0; r < rows; r++) {
      reward[r] = r * 0.5f;
      for (int t = 0; t < len; t++) {
        ids[r][t] = r * 7 + t;
        mask[r][t] = t > 0;
        if (t < len - 1) {
          lp[r][t] = -0.01f * (r + t);
        }
      }
    }
    Experience e = new Experience(ids, mask, 0, lp, lp, reward, reward, lp, lp, 3);
    return new LearnerShard.RoundItem(0, index, 2, 0, 0, 1, e, lp);
  }

  static void assertSameItem(LearnerShard.RoundItem a, LearnerShard.RoundItem b) {
    assertEquals(a.index(), b.index());
    assertEquals(a.count(), b.count());
    assertEquals(a.experience().policyVersion(), b.experience().policyVersion());
    for (int r = 0; r < a.experience().batchSize(); r++) {
      assertArrayEquals(a.experience().inputIds()[r], b.experience().inputIds()[r]);
      assertArrayEquals(a.experience().attentionMask()[r], b.experience().attentionMask()[r]);
      assertArrayEquals(a.experience().costValues()[r], b.experience().costValues()[r], 0f);
      assertArrayEquals(a.weights()[r], b.weights()[r], 0f);
    }
    assertArrayEquals(a.experience().cost(), b.experience().cost(), 0f);
  }

  @Test
  void shouldEncodeLargeSlices() {
    ShardExchange.Slice s = new ShardExchange.Slice(42, 3, new float[] {1f, -2.5f, Float.NaN},
        null);
    ShardExchange.Slice back = ShardCodec.decode(ShardCodec.encode(s));
    assertEquals(42, back.tag());
    assertEquals(3, back.from());
    assertArrayEquals(s.floats(), back.floats(), 0f);
    assertNull(back.scalars());
    ShardExchange.Slice d = ShardCodec.decode(ShardCodec.encode(
        new ShardExchange.Slice(7, 0, null, new double[] {0.1, 1e300})));
    assertNull(d.floats());
    assertArrayEquals(new double[] {0.1, 1e300}, d.scalars(), 0.0);
  }

  private Object roundTrip(Object msg) {
    Serialization s = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var serializer = s.findSerializerFor(msg);
    assertInstanceOf(KryoSerializer.class, serializer);
    byte[] bytes = s.serialize(msg).get();
    return s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, msg))
        .get();
  }

  @Test
  void shouldRoundTripTheGroupMessagesThroughKryo() {
    var ex = testKit.<ShardExchange.Command>createTestProbe();
    var rx = testKit.<dev.beaver.actors.transfer.ChunkedPayload.Inbound>createTestProbe();
    var peers = (ShardExchange.Peers) roundTrip(new ShardExchange.Peers(List.of(ex.ref()),
        List.of(rx.ref())));
    assertEquals(ex.ref(), peers.exchanges().get(0));
    assertEquals(rx.ref(), peers.receivers().get(0));
    var slice = (ShardExchange.Slice) roundTrip(new ShardExchange.Slice(5, 1, new float[] {2f},
        null));
    assertArrayEquals(new float[] {2f}, slice.floats(), 0f);
    float[][] lp = {{0.1f, 0.2f, 0.3f}};
    Experience e = new Experience(new long[][] {{1, 2, 3, 4}},
        new boolean[][] {{true, true, true, true}}, 1, lp, lp, new float[] {1f}, new float[] {2f},
        lp, lp, 0);
    var item = (LearnerShard.RoundItem) roundTrip(new LearnerShard.RoundItem(3, 1, 2, 0, 3, 4, e,
        new float[][] {{1f, 0.5f}}));
    assertEquals(3, item.round());
    assertArrayEquals(new float[] {2f}, item.experience().cost(), 0f);
    assertArrayEquals(new float[] {1f, 0.5f}, item.weights()[0], 0f);
    var probe = testKit.<LearnerShard.BarrierReached>createTestProbe();
    var barrier = (LearnerShard.Barrier) roundTrip(new LearnerShard.Barrier(2, probe.ref()));
    assertEquals(probe.ref(), barrier.replyTo());
    assertEquals(new LearnerShard.BarrierReached(1, 2, 0.5, 8),
        roundTrip(new LearnerShard.BarrierReached(1, 2, 0.5, 8)));
    var wrapped = (ShardExchange.Item) roundTrip(new ShardExchange.Item(item(0, 1, 3)));
    assertSameItem(item(0, 1, 3), wrapped.item());
  }
}
