package dev.beaver.actors.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import dev.beaver.actors.Role;
import dev.beaver.actors.serialization.TestKryoRegistrar.Everything;
import dev.beaver.actors.serialization.TestKryoRegistrar.Holder;
import dev.beaver.actors.serialization.TestKryoRegistrar.Nested;
import dev.beaver.actors.serialization.TestKryoRegistrar.NotListed;
import dev.beaver.actors.serialization.TestKryoRegistrar.Unregistered;
import dev.beaver.actors.serialization.TestKryoRegistrar.WithSourceRef;
import dev.beaver.actors.monitor.NodeSnapshot;
import dev.beaver.actors.transfer.Broadcast;
import dev.beaver.actors.transfer.ChunkReceiver;
import dev.beaver.actors.transfer.ChunkSender;
import dev.beaver.actors.transfer.ChunkedPayload;
import java.io.NotSerializableException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
class KryoSerializerTest {

  @JUnit5TestKit public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  private Serialization serialization() {
    return SerializationExtension.get(Adapter.toClassic(testKit.system()));
  }

  private KryoSerializer kryoSerializer() {
    return (KryoSerializer) serialization().findSerializerFor(new ChunkedPayload.Progress(0, 0, 0));
  }

  /** One sample per registered message class; a new registration without a sample fails. */
  private Map<Class<?>, Object> samples() {
    ActorRef<String> stringRef = testKit.<String>createTestProbe().ref();
    ActorRef<ChunkedPayload.Reply> replyRef = testKit.<ChunkedPayload.Reply>createTestProbe().ref();
    byte[] data = new byte[1000];
    new Random(7).nextBytes(data);
    Map<Class<?>, Object> m = new LinkedHashMap<>();
    m.put(ChunkedPayload.Offer.class, new ChunkedPayload.Offer(42L, 3L, 5, 4_500_000L, replyRef));
    m.put(
        ChunkedPayload.Chunk.class,
        new ChunkedPayload.Chunk(42L, 3L, 1, 5, 4_500_000L, ChunkedPayload.crc32c(data), data));
    m.put(ChunkedPayload.Progress.class, new ChunkedPayload.Progress(42L, 2, 3));
    m.put(ChunkedPayload.Completed.class, new ChunkedPayload.Completed(42L, 3L));
    m.put(
        ChunkedPayload.Refused.class,
        new ChunkedPayload.Refused(42L, ChunkedPayload.RefusalReason.STALE_VERSION, "old"));
    m.put(
        ChunkSender.Delivered.class,
        new ChunkSender.Delivered(42L, 3L, 4_500_000L, Duration.ofMillis(12)));
    m.put(ChunkSender.Failed.class, new ChunkSender.Failed(42L, 3L, "timed out"));
    ActorRef<ChunkReceiver.Command> receiverRef =
        testKit.<ChunkReceiver.Command>createTestProbe().ref();
    ActorRef<Broadcast.HopReport> originRef = testKit.<Broadcast.HopReport>createTestProbe().ref();
    m.put(
        Broadcast.RelayOffer.class,
        new Broadcast.RelayOffer(
            42L, 3L, 5, 4_500_000L, replyRef, List.of(receiverRef, receiverRef), 1, originRef));
    m.put(Broadcast.HopDone.class, new Broadcast.HopDone(42L, 3L, 1));
    m.put(Broadcast.HopFailed.class, new Broadcast.HopFailed(42L, 3L, 2, "refused"));
    m.put(
        Broadcast.Delivered.class,
        new Broadcast.Delivered(42L, 3L, 4_500_000L, 3, Duration.ofMillis(40)));
    m.put(
        Broadcast.Failed.class,
        new Broadcast.Failed(42L, 3L, 1, "pekko://beaver@10.0.0.2:2552/user/x", "timed out"));
    m.put(
        NodeSnapshot.class,
        new NodeSnapshot("pekko://beaver@10.0.0.2:2552", List.of("rollout"), 1_000L, 1.0, 100L,
            200L, 0.5, 2,
            List.of(new NodeSnapshot.ActorStats("/user/agent/worker-0", "worker-0", "rollout",
                true, 10L, 0L, 1L, 2, 3L, 0.25, 1.0, Double.NaN, 4.0,
                Map.of("rollout_tokens_total", 64.0), Map.of("rollout_tokens_total", 6.4),
                Map.of("version_lag", 1.0, "generation_batch_size", 2.0))),
            List.of(new NodeSnapshot.TrainingStep(3L, 1_000L,
                Map.of("train/reward", -0.5, "train/lambda", 1.0, "train/cost", 2.0))),
            List.of(new NodeSnapshot.Sample(1_000L, 2L, "Tell me a story.", "Once upon ✓",
                0.5, Double.NaN))));
    Map<String, Integer> counts = new HashMap<>();
    counts.put("a", 1);
    counts.put("b", 2);
    m.put(
        Everything.class,
        new Everything(
            "héllo ✓",
            -7,
            Long.MAX_VALUE,
            Math.PI,
            true,
            new byte[] {1, 2, 3},
            new int[] {4, 5},
            new float[] {0.5f, -1f},
            List.of("x", "y", "z"),
            counts,
            Optional.of("m"),
            Role.SCORER,
            Instant.ofEpochSecond(1_700_000_000L, 5),
            Duration.ofSeconds(3),
            new Nested(1, List.of(new Nested(2, List.of()), new Nested(3, new ArrayList<>()))),
            stringRef,
            new Address("pekko", "beaver", "10.0.0.1", 2551)));
    SourceRef<String> sourceRef =
        Source.single("s").runWith(StreamRefs.sourceRef(), testKit.system());
    m.put(WithSourceRef.class, new WithSourceRef(sourceRef));
    m.put(Holder.class, new Holder(List.of(1, 2)));
    return m;
  }

  @Test
  void shouldBindClusterMessagesToKryo() throws Exception {
    Object msg = new ChunkedPayload.Progress(1, 2, 3);
    assertInstanceOf(KryoSerializer.class, serialization().findSerializerFor(msg));
    assertEquals(KryoSerializer.IDENTIFIER, serialization().findSerializerFor(msg).identifier());
  }

  @Test
  void shouldRoundTripEveryRegisteredMessageThroughBothPaths() throws Exception {
    KryoSerializer kryo = kryoSerializer();
    Map<Class<?>, Object> samples = samples();
    List<String> missing = new ArrayList<>();
    for (KryoRegistry.Entry e : kryo.registry().entries()) {
      if (e.message() && !samples.containsKey(e.type())) {
        missing.add(e.type().getName());
      }
    }
    assertEquals(List.of(), missing, "registered messages without a sample in this test");
    for (Object msg : samples.values()) {
      // Through Pekko's extension (byte[] path), as serialize-messages does.
      byte[] bytes = serialization().serialize(msg).get();
      String manifest = Serializers.manifestFor(kryo, msg);
      Object back = serialization().deserialize(bytes, KryoSerializer.IDENTIFIER, manifest).get();
      assertSame(msg, back);
      // Through the ByteBuffer path Artery uses.
      ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
      kryo.toBinary(msg, buf);
      buf.flip();
      Object back2 = kryo.fromBinary(buf, manifest);
      assertSame(msg, back2);
      assertEquals(0, buf.remaining(), "reader consumed exactly the written bytes");
    }
  }

  private static void assertSame(Object expected, Object actual) {
    if (expected instanceof WithSourceRef w) {
      // SourceRefImpl equality is by its partner actor.
      assertEquals(w.source().toString(), ((WithSourceRef) actual).source().toString());
      return;
    }
    assertEquals(expected, actual);
  }

  @Test
  void shouldKeepMessageIdsStable() {
    // Ids are the wire format: changing one breaks mixed-version clusters.
    KryoRegistry r = kryoSerializer().registry();
    assertEquals(111, r.forClass(ChunkedPayload.Chunk.class).orElseThrow().id());
    assertEquals(110, r.forClass(ChunkedPayload.Offer.class).orElseThrow().id());
    assertEquals(20, r.forClass(byte[].class).orElseThrow().id());
    assertEquals("111", kryoSerializer().manifest(samples().get(ChunkedPayload.Chunk.class)));
  }

  @Test
  void shouldRefuseToSerializeAnUnregisteredMessage() {
    var result = serialization().serialize(new Unregistered("nope"));
    assertTrue(result.isFailure());
    Throwable e = result.failed().get();
    assertInstanceOf(IllegalArgumentException.class, e);
    assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("beaver.kryo.registrars"), e.getMessage());
  }

  @Test
  void shouldRefuseToSerializeAnUnregisteredNestedValue() {
    var result = serialization().serialize(new Holder(new NotListed()));
    assertTrue(result.isFailure());
    assertTrue(
        result.failed().get().getMessage().contains("Class is not registered"),
        result.failed().get().getMessage());
  }

  @Test
  void shouldRefuseManifestsThatAreNotRegisteredMessageIds() {
    KryoSerializer kryo = kryoSerializer();
    byte[] bytes = {0, 0, 0, 0};
    for (String manifest :
        List.of("java.lang.ProcessBuilder", Gadget.class.getName(), "99999", "30", "-1", "")) {
      NotSerializableException e =
          assertThrows(NotSerializableException.class, () -> kryo.fromBinary(bytes, manifest));
      assertTrue(e.getMessage().contains("not a registered message id"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseAPayloadThatNamesAnArbitraryClassWithoutLoadingIt() throws Exception {
    // A hostile peer writes a registered message (Holder, id 1003) whose Object field carries a
    // class *name* instead of a registered id, in Kryo's own format for unregistered classes
    // (DefaultClassResolver.writeName): marker 1 (NAME + 2), name id, the class name, then the
    // object's fields. Written by hand so the test itself never touches Gadget.
    String name = "dev.beaver.actors.serialization.Gadget";
    Output out = new Output(256, -1);
    out.writeByte(1);
    out.writeVarInt(0, true);
    out.writeString(name);
    out.writeVarInt(0, true); // Gadget.value
    byte[] hostile = out.toBytes();

    KryoSerializer kryo = kryoSerializer();
    NotSerializableException e =
        assertThrows(NotSerializableException.class, () -> kryo.fromBinary(hostile, "1003"));
    assertTrue(e.getMessage().contains("refusing a class named in the payload"), e.getMessage());
    assertThrows(
        NotSerializableException.class, () -> kryo.fromBinary(ByteBuffer.wrap(hostile), "1003"));
    assertFalse(Gadget.GadgetProbe.initialized, "the named class was never initialized");
  }

  @Test
  void shouldRefuseAnUnregisteredClassIdInThePayload() throws Exception {
    Kryo lax = new Kryo();
    lax.setRegistrationRequired(false);
    lax.setReferences(false);
    lax.register(Holder.class, 1003);
    lax.register(NotListed.class, 1099); // an id nobody registered
    Output out = new Output(256, -1);
    lax.writeObject(out, new Holder(new NotListed()));
    NotSerializableException e =
        assertThrows(
            NotSerializableException.class,
            () -> kryoSerializer().fromBinary(out.toBytes(), "1003"));
    assertTrue(e.getMessage().contains("unregistered class ID: 1099"), e.getMessage());
  }

  /**
   * Each hostile payload, fed to every entry point a received message can take: the serializer's
   * byte[] and ByteBuffer paths, and Pekko's serialization extension by serializer id, which is how
   * Artery's inbound stage resolves the serializer named in the envelope ({@code
   * deserializeByteBuffer}). Tripwire is already loaded and initialized here, so only its instance
   * counters can show whether it was instantiated.
   */
  @Test
  void shouldRefuseHostilePayloadsWithoutInstantiatingTheClassTheyCarry() throws Exception {
    // (expected refusal, payload)
    List<Map.Entry<String, byte[]>> hostile =
        List.of(
            Map.entry("refusing a class named in the payload", HostilePayloads.tripwireByName()),
            Map.entry(
                "refusing a class named in the payload", HostilePayloads.tripwireByNameInAMap()),
            Map.entry(
                "unregistered class ID: " + HostilePayloads.TRIPWIRE_ID,
                HostilePayloads.tripwireById()));
    int before = Tripwire.instances();
    KryoSerializer kryo = kryoSerializer();
    for (Map.Entry<String, byte[]> h : hostile) {
      byte[] bytes = h.getValue();
      String manifest = HostilePayloads.HOLDER_MANIFEST;
      NotSerializableException e =
          assertThrows(NotSerializableException.class, () -> kryo.fromBinary(bytes, manifest));
      assertTrue(e.getMessage().contains(h.getKey()), e.getMessage());
      assertTrue(e.getMessage().contains(Holder.class.getName()), e.getMessage());
      e =
          assertThrows(
              NotSerializableException.class,
              () -> kryo.fromBinary(ByteBuffer.wrap(bytes), manifest));
      assertTrue(e.getMessage().contains(h.getKey()), e.getMessage());
      var viaExtension = serialization().deserialize(bytes, KryoSerializer.IDENTIFIER, manifest);
      assertTrue(viaExtension.isFailure());
      assertTrue(viaExtension.failed().get().getMessage().contains(h.getKey()));
      ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
      assertThrows(
          NotSerializableException.class,
          () ->
              serialization().deserializeByteBuffer(direct, KryoSerializer.IDENTIFIER, manifest));
    }
    assertEquals(before, Tripwire.instances(), "no Tripwire was instantiated from the wire");
  }

  @Test
  void shouldRefuseJavaSerializedGadgetsAddressedToTheJavaSerializerId() throws Exception {
    // Artery takes the serializer id from the envelope: a peer may name Java serialization (id 1)
    // for any bytes. With allow-java-serialization = off, id 1 is Pekko's disabled serializer.
    byte[] gadget = HostilePayloads.javaSerializedTripwire();
    int before = Tripwire.instances();
    var result = serialization().deserialize(gadget, 1, "");
    assertTrue(result.isFailure());
    assertTrue(
        result.failed().get().getMessage().contains("allow-java-serialization"),
        result.failed().get().getMessage());
    ByteBuffer buf = ByteBuffer.wrap(gadget);
    assertThrows(Exception.class, () -> serialization().deserializeByteBuffer(buf, 1, ""));
    // And to the Kryo serializer under a registered manifest: not a Kryo message.
    assertThrows(
        NotSerializableException.class,
        () -> kryoSerializer().fromBinary(gadget, HostilePayloads.HOLDER_MANIFEST));
    assertEquals(before, Tripwire.instances(), "no Tripwire was instantiated from the wire");
  }

  @Test
  void shouldRefuseALengthPrefixLargerThanTheMessage() throws Exception {
    KryoSerializer kryo = kryoSerializer();
    byte[] bytes = kryo.toBinary(new Holder(new byte[1000]));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 10);
    NotSerializableException e =
        assertThrows(NotSerializableException.class, () -> kryo.fromBinary(truncated, "1003"));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
  }

  @Test
  void shouldReportBufferOverflowWhenTheMessageDoesNotFitTheEnvelope() {
    KryoSerializer kryo = kryoSerializer();
    byte[] data = new byte[ChunkedPayload.MAX_CHUNK_BYTES];
    Object chunk =
        new ChunkedPayload.Chunk(1, 1, 0, 1, data.length, ChunkedPayload.crc32c(data), data);
    // Artery's default frame: 256 KiB.
    ByteBuffer frame = ByteBuffer.allocateDirect(256 * 1024);
    BufferOverflowException e =
        assertThrows(BufferOverflowException.class, () -> kryo.toBinary(chunk, frame));
    assertTrue(e.getCause() != null);
    // A large frame (2 MiB) holds it.
    ByteBuffer large = ByteBuffer.allocateDirect(2 * 1024 * 1024);
    kryo.toBinary(chunk, large);
    assertTrue(large.position() > data.length && large.position() < data.length + 64);
  }

  @Test
  void shouldSerializeWithoutAnActorSystemWhenNoRefsAreInvolved() throws Exception {
    KryoRegistry registry = KryoRegistry.of(List.of(new ActorsKryoRegistrar()));
    KryoSerializer bare = new KryoSerializer((ExtendedActorSystem) null, registry);
    var msg = new ChunkedPayload.Progress(9, 8, 7);
    assertEquals(msg, bare.fromBinary(bare.toBinary(msg), bare.manifest(msg)));
    assertArrayEquals(bare.toBinary(msg), bare.toBinary(msg));
  }

  @Test
  void shouldDeliverRegisteredMessagesLocallyWithSerializeMessagesOn() {
    // serialize-messages = on (application-test.conf): a tell round-trips through Kryo.
    TestProbe<ChunkedPayload.Reply> probe = testKit.createTestProbe();
    probe.ref().tell(new ChunkedPayload.Progress(5, 1, 2));
    assertEquals(new ChunkedPayload.Progress(5, 1, 2), probe.receiveMessage());
  }
}
