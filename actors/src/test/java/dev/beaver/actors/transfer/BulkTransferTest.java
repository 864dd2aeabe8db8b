package dev.beaver.actors.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bulk data plane on loopback: relay chains, checks, refusals. */
@Timeout(60)
class BulkTransferTest {
  private final List<BulkServer> servers = new ArrayList<>();
  private final List<List<ChunkedPayload.Assembled>> delivered = new ArrayList<>();

  private BulkServer server(long maxBytes) {
    List<ChunkedPayload.Assembled> got = new CopyOnWriteArrayList<>();
    BulkServer s = BulkServer.start("127.0.0.1", 0, maxBytes, Duration.ofSeconds(10), got::add);
    servers.add(s);
    delivered.add(got);
    return s;
  }

  @AfterEach
  void close() {
    servers.forEach(BulkServer::close);
  }

  private static byte[] payload(int n) {
    byte[] b = new byte[n];
    new Random(7).nextBytes(b);
    return b;
  }

  @Test
  void aRelayChainShouldDeliverTheSameBytesToEveryNode() throws Exception {
    List<String> chain = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      chain.add(server(1 << 30).address());
    }
    byte[] data = payload((5 << 20) + 12345);
    BulkSender.send(chain, 42, 7, ByteBuffer.wrap(data), 1 << 20, Duration.ofSeconds(10));
    for (List<ChunkedPayload.Assembled> got : delivered) {
      assertEquals(1, got.size());
      assertEquals(7, got.get(0).version());
      assertEquals(42, got.get(0).transferId());
      assertArrayEquals(data, got.get(0).toByteArray());
    }
  }

  @Test
  void anEmptyPayloadShouldArrive() throws Exception {
    BulkServer s = server(1024);
    BulkSender.send(List.of(s.address()), 1, 1, ByteBuffer.allocate(0), 1024,
        Duration.ofSeconds(5));
    assertEquals(0, delivered.get(0).get(0).bytes());
  }

  @Test
  void aPayloadAboveTheLimitShouldBeRefusedBeforeAnythingIsAllocated() {
    BulkServer s = server(1000);
    IOException e = assertThrows(IOException.class, () -> BulkSender.send(List.of(s.address()),
        1, 1, ByteBuffer.wrap(payload(1001)), 512, Duration.ofSeconds(5)));
    assertTrue(delivered.get(0).isEmpty(), e.getMessage());
  }

  @Test
  void aLostHopShouldFailTheSendAndNameTheHop() throws Exception {
    BulkServer first = server(1 << 20);
    String dead;
    try (ServerSocket closed = new ServerSocket(0)) {
      dead = "127.0.0.1:" + closed.getLocalPort();
    }
    IOException e = assertThrows(IOException.class, () -> BulkSender.send(
        List.of(first.address(), dead), 1, 1, ByteBuffer.wrap(payload(4096)), 1024,
        Duration.ofSeconds(5)));
    assertTrue(e.getMessage().contains(dead), e.getMessage());
    // The first node still has the payload.
    assertEquals(1, delivered.get(0).size());
  }

  @Test
  void aCorruptedChunkOrAForeignStreamShouldDeliverNothing() throws Exception {
    BulkServer s = server(1 << 20);
    String[] hp = s.address().split(":");
    try (Socket raw = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      DataOutputStream out = new DataOutputStream(raw.getOutputStream());
      BulkWire.writeHeader(out, new BulkWire.Header(1, 1, 8, 8, List.of()));
      out.writeInt(8);
      out.writeInt(12345); // not the CRC32C of the bytes
      out.write(new byte[8]);
      out.flush();
      assertEquals(-1, raw.getInputStream().read(), "the server closes without an ack");
    }
    try (Socket raw = new Socket(hp[0], Integer.parseInt(hp[1]))) {
      raw.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes());
      assertEquals(-1, raw.getInputStream().read());
    }
    assertTrue(delivered.get(0).isEmpty());
  }
}
