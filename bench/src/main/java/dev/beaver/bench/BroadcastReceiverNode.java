package dev.beaver.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.actors.transfer.BulkServer;
import dev.beaver.actors.transfer.ChunkReceiver;
import dev.beaver.actors.transfer.ChunkedPayload;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One receiver JVM of {@link BroadcastBenchmark}, started by it as a child process: a Beaver node
 * (Artery tcp on 127.0.0.1) with a weights {@link ChunkReceiver} at {@code /user/chunks-weights}
 * whose subscriber drops each assembled payload, and a raw TCP sink on 127.0.0.1 that reads
 * length-prefixed payloads into a fresh array each (as the assembler does) and answers one byte.
 *
 * It also runs a {@link BulkServer} (the bulk data plane) whose payloads are dropped.
 *
 * <p>Prints {@code READY <receiver ref> <raw port> <bulk host:port>} on stdout, then runs until its
 * stdin closes.
 */
public final class BroadcastReceiverNode {
  private BroadcastReceiverNode() {}

  public static void main(String[] args) throws Exception {
    Config base =
        ConfigFactory.parseString(
                "pekko.loglevel = WARNING\n"
                    + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
            .withFallback(ConfigFactory.load())
            .resolve();
    NodeSettings settings =
        NodeSettings.fromRoot(base)
            .withTransport(Transport.TCP)
            .withHostname("127.0.0.1")
            .withPort(0)
            .withAutoJoin(false);
    BeaverNode node = BeaverNode.start(settings, base);
    ActorRef<ChunkedPayload.Assembled> sink =
        node.spawnAndWait(
            Behaviors.<ChunkedPayload.Assembled>receiveMessage(a -> Behaviors.same()),
            "weights-sink",
            Duration.ofSeconds(30));
    ActorRef<ChunkReceiver.Command> receiver =
        node.spawnAndWait(
            ChunkReceiver.create(settings.transfer(), sink),
            ChunkReceiver.NAME_PREFIX + "weights",
            Duration.ofSeconds(30));
    BulkServer bulk = BulkServer.start("127.0.0.1", 0, 1L << 31, Duration.ofSeconds(60),
        a -> { });
    ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread raw = new Thread(() -> serveRaw(server), "raw-tcp-sink");
    raw.setDaemon(true);
    raw.start();
    System.out.println(
        "READY "
            + ActorRefResolver.get(node.system()).toSerializationFormat(receiver)
            + " "
            + server.getLocalPort()
            + " "
            + bulk.address());
    System.out.flush();
    InputStream stdin = System.in;
    while (stdin.read() >= 0) {
      // Runs until the benchmark closes our stdin (or dies).
    }
    server.close();
    bulk.close();
    node.shutdown(Duration.ofSeconds(10));
    System.exit(0);
  }

  private static void serveRaw(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setTcpNoDelay(true);
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        OutputStream out = s.getOutputStream();
        while (true) {
          long length;
          try {
            length = in.readLong();
          } catch (EOFException e) {
            break;
          }
          byte[] payload = new byte[Math.toIntExact(length)];
          in.readFully(payload);
          out.write(payload[payload.length - 1] == 0 ? 1 : 2);
          out.flush();
        }
      } catch (IOException e) {
        if (!server.isClosed()) {
          System.err.println("raw sink: " + e);
        }
      }
    }
  }
}
