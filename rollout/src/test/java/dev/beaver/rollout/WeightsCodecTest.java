package dev.beaver.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.beaver.models.nn.HostTensor;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightsCodecTest {
  @Test
  void shouldRoundTripNamesShapesAndValuesInOrder() {
    Map<String, HostTensor> w = new LinkedHashMap<>();
    w.put("model.embed_tokens.weight", new HostTensor(new float[] {1f, -2f, 3.5f, Float.MIN_VALUE,
        5f, 6f}, new long[] {3, 2}));
    w.put("model.norm.weight", new HostTensor(new float[] {0.25f}, new long[] {1}));
    w.put("ünïcode", new HostTensor(new float[] {7f}, new long[] {}));
    ByteBuffer payload = WeightsCodec.encode(7, w);
    WeightsCodec.Versioned decoded = WeightsCodec.decode(payload);
    assertEquals(7, decoded.version());
    Map<String, HostTensor> back = decoded.weights();
    assertEquals(List.copyOf(w.keySet()), List.copyOf(back.keySet()));
    for (var e : w.entrySet()) {
      assertArrayEquals(e.getValue().shape(), back.get(e.getKey()).shape());
      assertArrayEquals(e.getValue().data(), back.get(e.getKey()).data(), 0f);
    }
  }

  @Test
  void shouldRefuseATruncatedPayload() {
    ByteBuffer payload = WeightsCodec.encode(0, Map.of("w", new HostTensor(new float[8],
        new long[] {2, 4})));
    ByteBuffer cut = payload.duplicate().limit(payload.limit() - 4);
    assertThrows(IllegalArgumentException.class, () -> WeightsCodec.decode(cut));
  }

  @Test
  void shouldGiveIncreasingWireVersionsWithinAndAcrossJobs() {
    long first = WeightsCodec.wireVersion(1_000_000, 5);
    assertTrue(WeightsCodec.wireVersion(1_000_000, 6) > first);
    // A later job's version 0 is above an earlier job's last version.
    assertTrue(WeightsCodec.wireVersion(1_001_000, 0) > WeightsCodec.wireVersion(1_000_000, 500_000));
  }
}
