package dev.beaver.actors.transfer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * Sends one payload along a relay chain of {@link BulkServer}s: to the first, which passes every
 * chunk on to the next as it arrives. Blocking: call it off the actor threads.
 */
public final class BulkSender {
  private BulkSender() {}

  /**
   * Sends {@code payload} (its whole limit) to {@code chain} and waits for the chain's ack.
   *
   * @param chain {@code host:port} of every receiver, in relay order
   * @param idleTimeout how long a read or connect may wait
   * @throws IOException when the payload did not reach every receiver (the message says where)
   */
  public static void send(List<String> chain, long transferId, long version, ByteBuffer payload,
      int chunkBytes, Duration idleTimeout) throws IOException {
    if (chain.isEmpty()) {
      return;
    }
    if (chunkBytes < 1 || chunkBytes > BulkWire.MAX_CHUNK_BYTES) {
      throw new IllegalArgumentException("chunk size " + chunkBytes + " outside 1.."
          + BulkWire.MAX_CHUNK_BYTES);
    }
    ByteBuffer p = payload.duplicate();
    p.position(0);
    int total = p.limit();
    try (Socket s = connect(chain.get(0), idleTimeout)) {
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(),
          1 << 16));
      BulkWire.writeHeader(out, new BulkWire.Header(transferId, version, total, chunkBytes,
          chain.subList(1, chain.size())));
      byte[] chunk = new byte[Math.min(chunkBytes, Math.max(1, total))];
      for (int off = 0; off < total; off += chunkBytes) {
        int n = Math.min(chunkBytes, total - off);
        p.get(chunk, 0, n);
        BulkWire.writeChunk(out, chunk, 0, n);
      }
      out.flush();
      String failure = BulkWire.readAck(new DataInputStream(new BufferedInputStream(
          s.getInputStream())));
      if (failure != null) {
        throw new IOException(failure);
      }
    } catch (IOException e) {
      throw new IOException("bulk transfer " + transferId + " to " + chain + ": "
          + e.getMessage(), e);
    }
  }

  static Socket connect(String hostPort, Duration idleTimeout) throws IOException {
    Socket s = new Socket();
    try {
      s.setSendBufferSize(BulkServer.SOCKET_BUFFER);
      s.setReceiveBufferSize(BulkServer.SOCKET_BUFFER);
      s.setTcpNoDelay(true);
      int timeout = (int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis());
      s.connect(BulkWire.address(hostPort), timeout);
      s.setSoTimeout(timeout);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }
}
