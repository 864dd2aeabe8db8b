package dev.beaver.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import dev.beaver.actors.serialization.TestKryoRegistrar.Holder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes a hostile peer could send. Each is a registered message ({@link Holder}, id 1003, whose
 * field is of type {@code Object}) written by a Kryo that does not require registration, so the
 * bytes are exactly what Kryo itself produces for a class the receiver never registered.
 */
final class HostilePayloads {
  private HostilePayloads() {}

  /** The manifest the hostile payloads claim: {@link Holder}'s registered id. */
  static final String HOLDER_MANIFEST = "1003";

  /** The id the sender gives {@link Tripwire} in {@link #tripwireById}; nobody registered it. */
  static final int TRIPWIRE_ID = 1099;

  private static Kryo lax() {
    Kryo lax = new Kryo();
    lax.setRegistrationRequired(false);
    lax.setReferences(false);
    lax.register(Holder.class, 1003);
    lax.register(HashMap.class, 31);
    return lax;
  }

  private static byte[] write(Kryo kryo, Object message) {
    Output out = new Output(256, -1);
    kryo.writeObject(out, message);
    return out.toBytes();
  }

  /**
   * {@code Holder(HashMap{"gadget" -> Tripwire})} with Tripwire named by its class name (Kryo's
   * format for unregistered classes): a registered container smuggling an arbitrary class.
   */
  static byte[] tripwireByNameInAMap() {
    Map<String, Object> map = new HashMap<>();
    map.put("gadget", new Tripwire());
    return write(lax(), new Holder(map));
  }

  /** {@code Holder(Tripwire)} with Tripwire named by its class name. */
  static byte[] tripwireByName() {
    return write(lax(), new Holder(new Tripwire()));
  }

  /** {@code Holder(HashMap{"gadget" -> Tripwire})} with Tripwire under an unregistered id. */
  static byte[] tripwireById() {
    Kryo kryo = lax();
    kryo.register(Tripwire.class, TRIPWIRE_ID);
    Map<String, Object> map = new HashMap<>();
    map.put("gadget", new Tripwire());
    return write(kryo, new Holder(map));
  }

  /** A Java-serialized {@code HashMap{"gadget" -> Tripwire}} (the classic gadget-chain carrier). */
  static byte[] javaSerializedTripwire() {
    Map<String, Object> map = new HashMap<>();
    map.put("gadget", new Tripwire());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
