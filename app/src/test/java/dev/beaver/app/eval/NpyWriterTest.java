package dev.beaver.app.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {
  @TempDir Path dir;

  @Test
  void headerIsByteForByteWhatNumpySaveWrites() {
    // np.save(f, np.zeros(3, np.float32)) with numpy 2.4.6: 118-byte header, data at 128.
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    byte[] expected = new byte[128];
    expected[0] = (byte) 0x93;
    System.arraycopy("NUMPY".getBytes(StandardCharsets.US_ASCII), 0, expected, 1, 5);
    expected[6] = 1;
    expected[7] = 0;
    expected[8] = 118;
    expected[9] = 0;
    byte[] text = (dict + " ".repeat(118 - dict.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, expected, 10, text.length);
    assertArrayEquals(expected, NpyWriter.header(3));
  }

  @Test
  void headerLengthIsAlignedAndRecorded() {
    for (long n : new long[] {0, 7, 123456, 10_000_000_000L}) {
      byte[] h = NpyWriter.header(n);
      assertEquals(0, h.length % 64, "n=" + n);
      int len = ByteBuffer.wrap(h, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
      assertEquals(h.length - 10, len);
      String dict = new String(h, 10, len, StandardCharsets.US_ASCII);
      assertTrue(dict.contains("'shape': (" + n + ",)"), dict);
      assertEquals('\n', dict.charAt(dict.length() - 1));
    }
  }

  @Test
  void dataFollowsTheHeaderLittleEndian() throws Exception {
    Path f = dir.resolve("x.npy");
    float[] values = {1.5f, -2.25f, Float.NaN};
    NpyWriter.writeFloat32(f, values);
    byte[] all = Files.readAllBytes(f);
    int offset = NpyWriter.header(3).length;
    assertEquals(offset + 12, all.length);
    ByteBuffer b = ByteBuffer.wrap(all, offset, 12).order(ByteOrder.LITTLE_ENDIAN);
    float[] back = {b.getFloat(), b.getFloat(), b.getFloat()};
    assertArrayEquals(values, back);
  }
}
