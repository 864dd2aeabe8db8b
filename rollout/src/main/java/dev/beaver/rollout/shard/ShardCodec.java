package dev.beaver.rollout.shard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte layout of a large shard slice sent through the chunked transfer (little-endian):
 * magic "BSHD", tag (long), sender rank (int), float count (int), double count (int), the floats,
 * the doubles.
 */
public final class ShardCodec {
  static final int MAGIC = 0x44485342; // "BSHD" little-endian
  static final int HEADER = 4 + 8 + 4 + 4 + 4;

  private ShardCodec() {}

  /** Encoded size of a slice, in bytes. */
  public static long bytes(float[] floats, double[] scalars) {
    return HEADER + 4L * (floats == null ? 0 : floats.length)
        + 8L * (scalars == null ? 0 : scalars.length);
  }

  public static ByteBuffer encode(ShardExchange.Slice s) {
    long n = bytes(s.floats(), s.scalars());
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("shard slice of " + n + " bytes is too large for one "
          + "transfer");
    }
    ByteBuffer b = ByteBuffer.allocate((int) n).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putLong(s.tag()).putInt(s.from());
    b.putInt(s.floats() == null ? -1 : s.floats().length);
    b.putInt(s.scalars() == null ? -1 : s.scalars().length);
    if (s.floats() != null) {
      b.asFloatBuffer().put(s.floats());
      b.position(b.position() + 4 * s.floats().length);
    }
    if (s.scalars() != null) {
      b.asDoubleBuffer().put(s.scalars());
    }
    b.position(0);
    return b;
  }

  static final int ITEM_MAGIC = 0x49525342; // "BSRI" little-endian

  /** Whether a chunked payload is a round item (else a slice). */
  public static boolean isItem(ByteBuffer payload) {
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return b.limit() >= 4 && b.getInt(0) == ITEM_MAGIC;
  }

  /**
   * A round item as bytes: magic "BSRI", serializer id (int), manifest length (int), manifest
   * (UTF-8), the serializer's bytes (Kryo, with this module's registrations).
   */
  public static ByteBuffer encodeItem(LearnerShard.RoundItem item,
      org.apache.pekko.serialization.Serialization serialization) {
    org.apache.pekko.serialization.Serializer ser = serialization.findSerializerFor(item);
    byte[] body = ser.toBinary(item);
    byte[] manifest = org.apache.pekko.serialization.Serializers.manifestFor(ser, item)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(12 + manifest.length + body.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(ITEM_MAGIC).putInt(ser.identifier()).putInt(manifest.length).put(manifest).put(body);
    b.position(0);
    return b;
  }

  /** Reads {@link #encodeItem}. */
  public static LearnerShard.RoundItem decodeItem(ByteBuffer payload,
      org.apache.pekko.serialization.Serialization serialization) {
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.position(0);
    if (b.getInt() != ITEM_MAGIC) {
      throw new IllegalArgumentException("not a learner round item (bad magic)");
    }
    int serializerId = b.getInt();
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("learner round item: bad manifest length " + n);
    }
    byte[] manifest = new byte[n];
    b.get(manifest);
    byte[] body = new byte[b.remaining()];
    b.get(body);
    return (LearnerShard.RoundItem) serialization.deserialize(body, serializerId,
        new String(manifest, java.nio.charset.StandardCharsets.UTF_8)).get();
  }

  public static ShardExchange.Slice decode(ByteBuffer payload) {
    ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    b.position(0);
    if (b.remaining() < HEADER || b.getInt() != MAGIC) {
      throw new IllegalArgumentException("not a learner shard slice (bad magic or too short)");
    }
    long tag = b.getLong();
    int from = b.getInt();
    int nf = b.getInt();
    int ns = b.getInt();
    long expected = HEADER + 4L * Math.max(0, nf) + 8L * Math.max(0, ns);
    if (expected != payload.limit()) {
      throw new IllegalArgumentException("learner shard slice: header says " + expected
          + " bytes, payload has " + payload.limit());
    }
    float[] floats = null;
    if (nf >= 0) {
      floats = new float[nf];
      b.asFloatBuffer().get(floats);
      b.position(b.position() + 4 * nf);
    }
    double[] scalars = null;
    if (ns >= 0) {
      scalars = new double[ns];
      b.asDoubleBuffer().get(scalars);
    }
    return new ShardExchange.Slice(tag, from, floats, scalars);
  }
}
