package dev.beaver.actors.transfer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte format of the bulk data plane ({@link BulkServer}, {@link BulkSender}): one transfer per
 * connection.
 *
 * <pre>
 * header: int magic "BEAV", byte protocol 1, long transferId, long version, long totalBytes,
 *         int chunkBytes, int hopCount, hopCount × (short length, UTF-8 "host:port")
 * chunks: ⌈totalBytes / chunkBytes⌉ × (int length, int crc32c, length bytes)
 * ack:    byte 1 (everyone on the chain has the payload) | byte 0, short length, UTF-8 reason
 * </pre>
 *
 * The hops are the rest of the relay chain: the receiver forwards every chunk to the first of
 * them as it arrives. Everything read is checked against limits before any memory is taken.
 */
final class BulkWire {
  static final int MAGIC = 0x42454156;
  static final byte PROTOCOL = 1;
  /** Largest chunk accepted (a sender cuts at most this). */
  static final int MAX_CHUNK_BYTES = 16 << 20;
  /** Longest relay chain accepted. */
  static final int MAX_HOPS = 256;
  /** One Java array holds a payload. */
  static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8;

  private BulkWire() {}

  /** A transfer's header; {@code hops} the rest of the chain after the receiver. */
  record Header(long transferId, long version, long totalBytes, int chunkBytes,
      List<String> hops) {
    Header {
      hops = List.copyOf(hops);
    }

    /** The header the receiver sends on: the same transfer, the chain after the next hop. */
    Header forwarded() {
      return new Header(transferId, version, totalBytes, chunkBytes,
          hops.subList(1, hops.size()));
    }
  }

  static void writeHeader(DataOutputStream out, Header h) throws IOException {
    out.writeInt(MAGIC);
    out.writeByte(PROTOCOL);
    out.writeLong(h.transferId());
    out.writeLong(h.version());
    out.writeLong(h.totalBytes());
    out.writeInt(h.chunkBytes());
    out.writeInt(h.hops().size());
    for (String hop : h.hops()) {
      byte[] b = hop.getBytes(StandardCharsets.UTF_8);
      out.writeShort(b.length);
      out.write(b);
    }
  }

  /**
   * Reads and checks a header.
   *
   * @param maxBytes the largest payload this receiver accepts
   * @throws IOException on a malformed header or one beyond the limits (nothing allocated)
   */
  static Header readHeader(DataInputStream in, long maxBytes) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException("not a Beaver bulk transfer (magic " + Integer.toHexString(magic)
          + ")");
    }
    byte protocol = in.readByte();
    if (protocol != PROTOCOL) {
      throw new IOException("unsupported bulk protocol " + protocol);
    }
    long id = in.readLong();
    long version = in.readLong();
    long total = in.readLong();
    int chunk = in.readInt();
    int hopCount = in.readInt();
    if (total < 0 || total > Math.min(maxBytes, MAX_PAYLOAD_BYTES)) {
      throw new IOException("payload of " + total + " bytes is beyond this receiver's limit of "
          + Math.min(maxBytes, MAX_PAYLOAD_BYTES));
    }
    if (chunk < 1 || chunk > MAX_CHUNK_BYTES) {
      throw new IOException("chunk size " + chunk + " outside 1.." + MAX_CHUNK_BYTES);
    }
    if (hopCount < 0 || hopCount > MAX_HOPS) {
      throw new IOException("relay chain of " + hopCount + " hops outside 0.." + MAX_HOPS);
    }
    List<String> hops = new ArrayList<>(hopCount);
    for (int i = 0; i < hopCount; i++) {
      int n = in.readUnsignedShort();
      if (n == 0 || n > 512) {
        throw new IOException("hop address of " + n + " bytes");
      }
      byte[] b = new byte[n];
      in.readFully(b);
      hops.add(new String(b, StandardCharsets.UTF_8));
    }
    return new Header(id, version, total, chunk, hops);
  }

  static void writeChunk(DataOutputStream out, byte[] buf, int off, int len) throws IOException {
    out.writeInt(len);
    out.writeInt(crc(buf, off, len));
    out.write(buf, off, len);
  }

  /**
   * Reads one chunk of exactly {@code expected} bytes into {@code dest} at {@code off}.
   *
   * @throws IOException when its length is not {@code expected} or its CRC32C does not match
   */
  static void readChunk(DataInputStream in, byte[] dest, int off, int expected)
      throws IOException {
    int len = in.readInt();
    if (len != expected) {
      throw new IOException("chunk of " + len + " bytes where " + expected + " were due");
    }
    int crc = in.readInt();
    in.readFully(dest, off, len);
    if (crc(dest, off, len) != crc) {
      throw new IOException("chunk at byte " + off + " failed its CRC32C check");
    }
  }

  static void writeAck(DataOutputStream out, String failure) throws IOException {
    if (failure == null) {
      out.writeByte(1);
    } else {
      out.writeByte(0);
      byte[] b = failure.getBytes(StandardCharsets.UTF_8);
      int n = Math.min(b.length, 4096);
      out.writeShort(n);
      out.write(b, 0, n);
    }
    out.flush();
  }

  /** The failure the ack reports, or null when the whole chain has the payload. */
  static String readAck(DataInputStream in) throws IOException {
    byte ok = in.readByte();
    if (ok == 1) {
      return null;
    }
    int n = in.readUnsignedShort();
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static int crc(byte[] buf, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(buf, off, len);
    return (int) c.getValue();
  }

  /** "host:port" split; the host may be an IPv6 literal in brackets. */
  static java.net.InetSocketAddress address(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IOException("bad bulk address '" + hostPort + "' (expected host:port)");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return new java.net.InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IOException("bad bulk address '" + hostPort + "': " + e.getMessage(), e);
    }
  }
}
