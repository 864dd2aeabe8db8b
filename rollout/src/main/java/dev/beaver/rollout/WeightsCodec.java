package dev.beaver.rollout;

import dev.beaver.models.nn.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy version's weights as one byte payload for the chunked transfer (which checksums every
 * chunk): little-endian {@code long version, int count}, then per tensor {@code int nameLength,
 * name (UTF-8), int rank, long[rank] shape, float32[numel] values}. The policy version travels in
 * the payload because the transfer's own version must grow across jobs (receivers refuse a
 * version lower than one they have seen), see {@link #wireVersion}. Float32 because the learner trains in float32 and a
 * worker must generate with exactly the learner's policy.
 */
public final class WeightsCodec {
  private WeightsCodec() {}

  /** A decoded payload. */
  public record Versioned(long version, Map<String, HostTensor> weights) {}

  /**
   * The transfer version of policy {@code version} of a job started at {@code jobStartMillis}:
   * increasing within a job and from one job to the next (a job starting at least a second
   * later), which the receivers' latest-only rule requires.
   */
  public static long wireVersion(long jobStartMillis, long version) {
    return ((jobStartMillis / 1000) << 20) + version;
  }

  /** The payload of {@code weights}, in the map's iteration order; position 0, ready to read. */
  public static ByteBuffer encode(long version, Map<String, HostTensor> weights) {
    long size = 8 + 4;
    for (var e : weights.entrySet()) {
      size += 4 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4
          + 8L * e.getValue().shape().length + 4L * e.getValue().data().length;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("weights of " + size + " bytes exceed one payload");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(version);
    out.putInt(weights.size());
    for (var e : weights.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      out.putInt(name.length).put(name);
      long[] shape = e.getValue().shape();
      out.putInt(shape.length);
      for (long d : shape) {
        out.putLong(d);
      }
      float[] data = e.getValue().data();
      out.asFloatBuffer().put(data);
      out.position(out.position() + 4 * data.length);
    }
    return out.flip();
  }

  /**
   * The weights of a payload made by {@link #encode}.
   *
   * @throws IllegalArgumentException when the payload is truncated or malformed
   */
  public static Versioned decode(ByteBuffer payload) {
    ByteBuffer in = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    try {
      long version = in.getLong();
      int count = in.getInt();
      Map<String, HostTensor> out = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[in.getInt()];
        in.get(name);
        long[] shape = new long[in.getInt()];
        long numel = 1;
        for (int d = 0; d < shape.length; d++) {
          shape[d] = in.getLong();
          numel *= shape[d];
        }
        if (numel < 0 || numel * 4 > in.remaining()) {
          throw new IllegalArgumentException("weights payload truncated at tensor " + i);
        }
        float[] data = new float[(int) numel];
        in.asFloatBuffer().get(data);
        in.position(in.position() + 4 * data.length);
        out.put(new String(name, StandardCharsets.UTF_8), new HostTensor(data, shape));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes in weights payload");
      }
      return new Versioned(version, out);
    } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("weights payload truncated or malformed", e);
    }
  }
}
