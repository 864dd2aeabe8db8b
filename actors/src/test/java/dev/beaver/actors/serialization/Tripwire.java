package dev.beaver.actors.serialization;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class no registrar lists, which counts its instances: hostile payloads name it. Unlike {@link
 * Gadget} (whose static initializer shows it was never loaded), tests load it on purpose, so the
 * counters show that even a class already in the JVM is never instantiated from the wire: neither
 * by Kryo (which calls the no-argument constructor) nor by Java deserialization (which skips it but
 * runs {@code readObject}, the usual gadget entry point).
 */
public final class Tripwire implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Instances made through the constructor. */
  public static final AtomicInteger CONSTRUCTED = new AtomicInteger();

  /** Instances made by Java deserialization. */
  public static final AtomicInteger DESERIALIZED = new AtomicInteger();

  public int value = 7;

  public Tripwire() {
    CONSTRUCTED.incrementAndGet();
  }

  /** Total instances so far. */
  public static int instances() {
    return CONSTRUCTED.get() + DESERIALIZED.get();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    DESERIALIZED.incrementAndGet();
    in.defaultReadObject();
  }
}
