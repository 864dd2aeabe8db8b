package dev.beaver.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.actors.transfer.Broadcast;
import dev.beaver.actors.transfer.BulkSender;
import dev.beaver.actors.transfer.ChunkSender;
import dev.beaver.actors.transfer.ChunkedPayload;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Weight broadcast between JVMs on loopback: one operation moves a {@code payloadMiB} payload from
 * this JVM to {@code receivers} child JVMs ({@link BroadcastReceiverNode}, one per receiver, each
 * its own Beaver node over Artery tcp on 127.0.0.1), and returns when every receiver has all of it.
 *
 * <ul>
 *   <li>{@code rawTcp}: the baseline. Plain {@code java.net} sockets (one persistent connection per
 *       receiver, opened at setup) write an 8-byte length and the payload; the receiver reads it
 *       into a fresh array and answers one byte. R &gt; 1: R connections written in parallel.
 *   <li>{@code independent}: what the learner does today, one {@link ChunkSender} per receiver,
 *       all started at once; done when all R report {@code Delivered}.
 *   <li>{@code relay}: one {@link Broadcast} along the chain of the R receivers (pipelined relay);
 *       done when it reports {@code Delivered} (every receiver confirmed).
 *   <li>{@code bulk}: the bulk data plane ({@link BulkSender} to the receivers' {@code
 *       BulkServer}s): one TCP connection per hop, the chain relayed chunk by chunk (CRC32C per
 *       chunk); done when the chain's ack is back. What the learner uses when every rollout node
 *       runs a bulk server.
 * </ul>
 *
 * Every operation sends a new version (receivers keep only increasing versions). Receivers and
 * the sender use the default {@code beaver.node.transfer} settings (1 MiB chunks, window 8). The
 * child JVMs are started per trial with this JVM's class path and {@code -Xmx1g}; all JVMs share
 * the machine's cores.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class BroadcastBenchmark {

  @Param({"rawTcp", "independent", "relay", "bulk"})
  public String mode;

  @Param({"1", "2", "4"})
  public int receivers;

  @Param({"64"})
  public int payloadMiB;

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private byte[] payload;
  private final List<Process> children = new ArrayList<>();
  private final List<ActorRef<ChunkedPayload.Inbound>> refs = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final List<String> bulkChain = new ArrayList<>();
  private ExecutorService rawPool;
  private BeaverNode node;
  private NodeSettings settings;
  private final AtomicLong version = new AtomicLong();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    payload = new byte[payloadMiB << 20];
    new Random(42).nextBytes(payload);
    Config base =
        ConfigFactory.parseString(
                "pekko.loglevel = WARNING\n"
                    + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
            .withFallback(ConfigFactory.load())
            .resolve();
    settings =
        NodeSettings.fromRoot(base)
            .withTransport(Transport.TCP)
            .withHostname("127.0.0.1")
            .withPort(0)
            .withAutoJoin(false);
    node = BeaverNode.start(settings, base);
    List<CompletableFuture<String>> ready = new ArrayList<>();
    for (int i = 0; i < receivers; i++) {
      ready.add(startChild(i));
    }
    for (CompletableFuture<String> f : ready) {
      String[] line = f.get(90, TimeUnit.SECONDS).split(" ");
      refs.add(ActorRefResolver.get(node.system()).resolveActorRef(line[1]));
      Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(line[2]));
      s.setTcpNoDelay(true);
      sockets.add(s);
      bulkChain.add(line[3]);
    }
    rawPool = Executors.newFixedThreadPool(receivers);
  }

  private CompletableFuture<String> startChild(int i) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx1g",
            "-cp",
            System.getProperty("java.class.path"),
            BroadcastReceiverNode.class.getName());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    children.add(p);
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("READY ")) {
                    ready.complete(line);
                  }
                }
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
              ready.completeExceptionally(new IllegalStateException("receiver " + i + " exited"));
            },
            "receiver-" + i + "-stdout");
    reader.setDaemon(true);
    reader.start();
    return ready;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
    bulkChain.clear();
    if (rawPool != null) {
      rawPool.shutdownNow();
    }
    for (Process p : children) {
      p.getOutputStream().close();
    }
    for (Process p : children) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    children.clear();
    refs.clear();
    if (node != null) {
      node.shutdown(Duration.ofSeconds(15));
    }
  }

  @Benchmark
  public void broadcast() throws Exception {
    switch (mode) {
      case "rawTcp" -> raw();
      case "independent" -> independent();
      case "relay" -> relay();
      case "bulk" -> BulkSender.send(bulkChain, version.incrementAndGet(), version.get(),
          ByteBuffer.wrap(payload), settings.transfer().chunkBytes(), TIMEOUT);
      default -> throw new IllegalArgumentException("mode " + mode);
    }
  }

  private void raw() throws Exception {
    List<Future<?>> sends = new ArrayList<>();
    for (Socket s : sockets) {
      sends.add(
          rawPool.submit(
              () -> {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeLong(payload.length);
                out.write(payload);
                out.flush();
                InputStream in = s.getInputStream();
                if (in.read() < 0) {
                  throw new IOException("raw sink closed the connection");
                }
                return null;
              }));
    }
    for (Future<?> f : sends) {
      f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private void relay() throws Exception {
    long v = version.incrementAndGet();
    CompletableFuture<Broadcast.Result> result = new CompletableFuture<>();
    Behavior<Broadcast.Result> collector =
        Behaviors.setup(
            ctx -> {
              ctx.spawn(
                  Broadcast.create(
                      settings.transfer(), v, v, ByteBuffer.wrap(payload), refs, ctx.getSelf()),
                  "broadcast");
              return Behaviors.receiveMessage(
                  r -> {
                    result.complete(r);
                    return Behaviors.stopped();
                  });
            });
    node.spawn(collector, "relay-" + v, TIMEOUT);
    Broadcast.Result r = result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (r instanceof Broadcast.Failed f) {
      throw new IllegalStateException("broadcast failed: " + f);
    }
  }

  private void independent() throws Exception {
    long v = version.incrementAndGet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    int n = refs.size();
    Behavior<ChunkSender.Result> collector =
        Behaviors.setup(
            ctx -> {
              ByteBuffer shared = ByteBuffer.wrap(payload);
              for (int i = 0; i < n; i++) {
                ctx.spawn(
                    ChunkSender.create(
                        settings.transfer(), v * 16 + i, v, shared, refs.get(i), ctx.getSelf()),
                    "send-" + i);
              }
              int[] delivered = {0};
              return Behaviors.receiveMessage(
                  r -> {
                    if (r instanceof ChunkSender.Failed f) {
                      done.completeExceptionally(new IllegalStateException("send failed: " + f));
                      return Behaviors.stopped();
                    }
                    if (++delivered[0] == n) {
                      done.complete(null);
                      return Behaviors.stopped();
                    }
                    return Behaviors.same();
                  });
            });
    node.spawn(collector, "independent-" + v, TIMEOUT);
    done.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Runs the benchmark (every mode and receiver count) from an IDE. */
  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(BroadcastBenchmark.class.getSimpleName()).build())
        .run();
  }
}
