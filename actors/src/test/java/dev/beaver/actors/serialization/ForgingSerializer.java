package dev.beaver.actors.serialization;

import dev.beaver.actors.ClusterMessage;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * A hostile sender's serializer: it claims the Beaver Kryo serializer's id ({@link
 * KryoSerializer#IDENTIFIER}) and puts any manifest and bytes into Artery's envelope. Bound in
 * place of {@code beaver-kryo} on the sending node only ({@link RemoteHostilePayloadTest}); {@link
 * Java} claims Java serialization's id 1 in place of Pekko's {@code java} serializer.
 */
public class ForgingSerializer extends SerializerWithStringManifest {

  /** What to put on the wire: the envelope's manifest and the payload bytes, as given. */
  public record Forged(String manifest, byte[] bytes) implements ClusterMessage {}

  /** Bytes to send under serializer id 1 (Java serialization). */
  public record ForgedJava(byte[] bytes) {}

  @Override
  public int identifier() {
    return KryoSerializer.IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return o instanceof Forged f ? f.manifest() : "";
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Forged f) {
      return f.bytes();
    }
    if (o instanceof ForgedJava j) {
      return j.bytes();
    }
    throw new IllegalArgumentException("the forging serializer only sends forged payloads: " + o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    throw new UnsupportedOperationException("the forging node only sends");
  }

  /** Claims Java serialization's id. */
  public static final class Java extends ForgingSerializer {
    @Override
    public int identifier() {
      return 1;
    }
  }
}
