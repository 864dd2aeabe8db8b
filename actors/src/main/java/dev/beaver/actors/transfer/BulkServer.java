package dev.beaver.actors.transfer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's end of the bulk data plane: plain TCP for the bytes of large payloads (weights), set up
 * by actor messages (the address travels in the job's protocol), because Artery moves a payload at
 * about a quarter of what a socket does between two JVMs (docs/benchmarks.md). One transfer per
 * connection ({@link BulkWire}): every chunk is CRC32C-checked, copied into the payload and — when
 * the header names further hops — written on to the next hop as soon as it arrived, so a relay
 * chain is pipelined chunk by chunk. When the last chunk is in and the rest of the chain has
 * acknowledged, the payload goes to {@code deliver} and the ack goes back up the chain.
 *
 * <p>Limits: payloads above {@code maxBytes} are refused before anything is allocated; a
 * connection idle for {@code idleTimeout} is dropped. Not encrypted: with the {@code tls-tcp}
 * transport nodes do not start one and weights stay on Artery's TLS.
 */
public final class BulkServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BulkServer.class);
  static final int SOCKET_BUFFER = 4 << 20;

  private final ServerSocket socket;
  private final long maxBytes;
  private final Duration idleTimeout;
  private final Consumer<ChunkedPayload.Assembled> deliver;
  private final ExecutorService connections;
  private final Thread acceptor;
  private volatile boolean closed;

  private BulkServer(ServerSocket socket, long maxBytes, Duration idleTimeout,
      Consumer<ChunkedPayload.Assembled> deliver) {
    this.socket = socket;
    this.maxBytes = maxBytes;
    this.idleTimeout = idleTimeout;
    this.deliver = deliver;
    AtomicInteger n = new AtomicInteger();
    this.connections = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "beaver-bulk-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::acceptLoop, "beaver-bulk-accept");
    acceptor.setDaemon(true);
  }

  /**
   * Listens on {@code host}:{@code port} (0: any free port).
   *
   * @param deliver called with each complete payload, on a connection's thread
   */
  public static BulkServer start(String host, int port, long maxBytes, Duration idleTimeout,
      Consumer<ChunkedPayload.Assembled> deliver) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReceiveBufferSize(SOCKET_BUFFER);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      BulkServer server = new BulkServer(s, maxBytes, idleTimeout, deliver);
      server.acceptor.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for bulk transfers on " + host + ":" + port
          + ": " + e.getMessage(), e);
    }
  }

  /** {@code host:port} to give senders. */
  public String address() {
    String host = socket.getInetAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        connections.execute(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("bulk server {}: accept failed: {}", address(), e.toString());
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
      s.setTcpNoDelay(true);
      s.setSendBufferSize(SOCKET_BUFFER);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(),
          1 << 16));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(),
          1 << 16));
      BulkWire.Header h = BulkWire.readHeader(in, maxBytes);
      long t0 = System.nanoTime();
      String failure = relay(h, in);
      BulkWire.writeAck(out, failure);
      LOG.info("bulk transfer {} (version {}, {} bytes) from {} in {} ms{}", h.transferId(),
          h.version(), h.totalBytes(), s.getRemoteSocketAddress(),
          (System.nanoTime() - t0) / 1_000_000,
          h.hops().isEmpty() ? "" : ", relayed to " + h.hops().get(0)
              + (failure == null ? "" : " (" + failure + ")"));
    } catch (IOException e) {
      if (!closed) {
        LOG.warn("bulk transfer from {} dropped: {}", s.getRemoteSocketAddress(), e.getMessage());
      }
    }
  }

  /**
   * Receives the transfer's chunks, forwards them to the next hop when there is one, delivers the
   * payload; returns the chain's failure (null: everyone has it).
   */
  private String relay(BulkWire.Header h, DataInputStream in) throws IOException {
    Socket next = null;
    DataOutputStream nextOut = null;
    String failure = null;
    if (!h.hops().isEmpty()) {
      try {
        next = BulkSender.connect(h.hops().get(0), idleTimeout);
        nextOut = new DataOutputStream(new BufferedOutputStream(next.getOutputStream(), 1 << 16));
        BulkWire.writeHeader(nextOut, h.forwarded());
      } catch (IOException e) {
        failure = "cannot reach " + h.hops().get(0) + ": " + e.getMessage();
        closeQuietly(next);
        next = null;
      }
    }
    try {
      byte[] data = new byte[(int) h.totalBytes()];
      int off = 0;
      while (off < data.length) {
        int n = (int) Math.min(h.chunkBytes(), data.length - off);
        BulkWire.readChunk(in, data, off, n);
        if (next != null) {
          try {
            BulkWire.writeChunk(nextOut, data, off, n);
          } catch (IOException e) {
            failure = h.hops().get(0) + " dropped the transfer: " + e.getMessage();
            closeQuietly(next);
            next = null;
          }
        }
        off += n;
      }
      if (next != null) {
        nextOut.flush();
        try {
          failure = BulkWire.readAck(new DataInputStream(new BufferedInputStream(
              next.getInputStream())));
        } catch (IOException e) {
          failure = h.hops().get(0) + " did not acknowledge: " + e.getMessage();
        }
      }
      deliver.accept(new ChunkedPayload.Assembled(h.version(), h.transferId(),
          ByteBuffer.wrap(data)));
      return failure;
    } finally {
      closeQuietly(next);
    }
  }

  private static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // Closing: nothing to recover.
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (SocketException e) {
      // Already closed.
    } catch (IOException e) {
      LOG.debug("closing bulk server", e);
    }
    connections.shutdownNow();
  }
}
