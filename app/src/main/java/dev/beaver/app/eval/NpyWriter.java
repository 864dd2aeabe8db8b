package dev.beaver.app.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a 1-D float32 array as a NumPy {@code .npy} file, format version 1.0, as {@code
 * numpy.save} (numpy 1.26 / 2.x) does, byte for byte: the magic {@code \x93NUMPY}, version bytes 1 0, a little-endian uint16 header
 * length, an ASCII dict header padded with spaces and ended by a newline so that the data starts
 * at a multiple of 64 bytes, then the values little-endian ({@code <f4}).
 */
public final class NpyWriter {
  /** Data offset alignment numpy uses since 1.x (a multiple of 64). */
  static final int ALIGNMENT = 64;

  /** numpy's {@code GROWTH_AXIS_MAX_DIGITS}: spare header room for appending along axis 0. */
  static final int GROWTH_AXIS_MAX_DIGITS = 21;

  private NpyWriter() {}

  /** The header bytes (magic to the newline) for a 1-D float32 array of {@code length}. */
  static byte[] header(long length) {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + length + ",), }";
    // numpy leaves room for the shape to grow to 21 digits in place, then pads to the alignment.
    dict += " ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(length).length()));
    int prefix = 6 + 2 + 2; // magic, version, header length
    int total = prefix + dict.length() + 1; // + '\n'
    int padded = (total + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    StringBuilder h = new StringBuilder(dict);
    h.append(" ".repeat(padded - total)).append('\n');
    byte[] text = h.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
    b.put((byte) 1).put((byte) 0);
    b.putShort((short) text.length);
    b.put(text);
    return b.array();
  }

  /** Writes {@code values} to {@code file} (replacing it). */
  public static void writeFloat32(Path file, float[] values) throws IOException {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      data.putFloat(v);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(header(values.length));
      out.write(data.array());
    }
  }
}
