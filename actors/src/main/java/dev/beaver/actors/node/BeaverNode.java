package dev.beaver.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Beaver node: a typed, clustered {@link ActorSystem} whose guardian accepts {@link
 * SpawnProtocol} requests.
 *
 * <p>{@link #start} turns {@link NodeSettings} into the Pekko settings it owns, layered over the
 * given base configuration (deployment files, {@code application.conf}, system properties):
 *
 * <ul>
 *   <li>{@code pekko.actor.provider = cluster}; {@code pekko.cluster.roles}, {@code seed-nodes};
 *   <li>Artery {@code transport}, {@code canonical.hostname/port}, {@code bind.hostname}, the
 *       large-message destinations (base list plus {@code beaver.node.large-message-destinations});
 *   <li>for {@code aeron-udp}: a per-node media driver directory named after the port (a free UDP
 *       port is picked first when {@code port = 0}), deleted on exit, and the Aeron tuning system
 *       properties ({@code aeron.socket.so_rcvbuf/so_sndbuf}, {@code
 *       aeron.rcv.initial.window.length}, {@code aeron.mtu.length}) unless already set on the
 *       command line: untuned Aeron moves about 6 MiB/s here (platform-facts.md);
 *   <li>for {@code tls-tcp}: key store, trust store and mutual authentication;
 *   <li>the Split Brain Resolver ({@code keep-majority} by default);
 *   <li>SLF4J logging, unless the base configuration chose other loggers.
 * </ul>
 *
 * <p>Other {@code pekko.*} keys in the base configuration pass through unchanged.
 */
public final class BeaverNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BeaverNode.class);

  private static final String ARTERY = "pekko.remote.artery.";
  private static final String PEKKO_DEFAULT_LOGGER = "org.apache.pekko.event.Logging$DefaultLogger";

  private final NodeSettings settings;
  private final ActorSystem<SpawnProtocol.Command> system;

  private BeaverNode(NodeSettings settings, ActorSystem<SpawnProtocol.Command> system) {
    this.settings = settings;
    this.system = system;
  }

  /** Starts a node over {@code ConfigFactory.load()}. */
  public static BeaverNode start(NodeSettings settings) {
    return start(settings, ConfigFactory.load());
  }

  /**
   * Starts a node.
   *
   * @param base resolved configuration the node's own settings are layered over
   * @throws IllegalArgumentException when the settings cannot work (e.g. TLS stores missing)
   */
  public static BeaverNode start(NodeSettings settings, Config base) {
    NodeSettings effective = settings;
    if (settings.transport() == Transport.AERON_UDP) {
      if (settings.port() == 0) {
        // Pick the port now so the media driver directory can carry it.
        effective = settings.withPort(freeUdpPort(bindHost(settings)));
      }
      applyAeronSystemProperties(effective.aeron());
    } else if (settings.transport() == Transport.TLS_TCP) {
      settings.tls().requireUsable();
    }
    Config config = pekkoConfig(effective, base);
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(NodeGuardian.create(effective), effective.systemName(), config);
    BeaverNode node = new BeaverNode(effective, system);
    if (effective.autoJoin()) {
      Cluster cluster = Cluster.get(system);
      if (effective.seedNodes().isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      } else {
        cluster.manager().tell(new JoinSeedNodes(effective.seedNodes()));
      }
    }
    return node;
  }

  /**
   * The configuration {@link #start} creates the actor system with: the Pekko settings owned by
   * {@code settings} over {@code base}.
   */
  public static Config pekkoConfig(NodeSettings settings, Config base) {
    Map<String, Object> own = new LinkedHashMap<>();
    own.put("pekko.actor.provider", "cluster");
    own.put(ARTERY + "enabled", "on");
    own.put(ARTERY + "transport", settings.transport().id());
    own.put(ARTERY + "canonical.hostname", settings.hostname());
    own.put(ARTERY + "canonical.port", settings.port());
    if (!settings.bindHostname().isEmpty()) {
      own.put(ARTERY + "bind.hostname", settings.bindHostname());
    }
    LinkedHashSet<String> large =
        new LinkedHashSet<>(
            base.hasPath(ARTERY + "large-message-destinations")
                ? base.getStringList(ARTERY + "large-message-destinations")
                : List.of());
    large.addAll(settings.largeMessageDestinations());
    own.put(ARTERY + "large-message-destinations", new ArrayList<>(large));
    if (settings.transport() == Transport.AERON_UDP) {
      AeronSettings a = settings.aeron();
      String aeron = ARTERY + "advanced.aeron.";
      own.put(aeron + "embedded-media-driver", "on");
      own.put(aeron + "aeron-dir", a.resolveDir(settings.systemName(), settings.port()));
      own.put(aeron + "delete-aeron-dir", a.deleteDir());
      own.put(aeron + "idle-cpu-level", a.idleCpuLevel());
    }
    if (settings.transport() == Transport.TLS_TCP) {
      TlsSettings t = settings.tls();
      String ssl = ARTERY + "ssl.config-ssl-engine.";
      own.put(
          ARTERY + "ssl.ssl-engine-provider",
          "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider");
      own.put(ssl + "key-store", t.keyStore());
      own.put(ssl + "key-store-password", t.keyStorePassword());
      own.put(ssl + "key-password", t.keyPassword());
      own.put(ssl + "trust-store", t.trustStore());
      own.put(ssl + "trust-store-password", t.trustStorePassword());
      own.put(ssl + "protocol", t.protocol());
      own.put(ssl + "require-mutual-authentication", "on");
      own.put(ssl + "hostname-verification", t.hostnameVerification() ? "on" : "off");
    }
    own.put("pekko.cluster.roles", settings.roleIds());
    // Joining is done by start() (JoinSeedNodes / self-join), so the list stays empty here.
    own.put("pekko.cluster.seed-nodes", List.of());
    DowningSettings d = settings.downing();
    if (d.enabled()) {
      own.put(
          "pekko.cluster.downing-provider-class",
          "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
      own.put("pekko.cluster.split-brain-resolver.active-strategy", d.strategy());
      own.put("pekko.cluster.split-brain-resolver.stable-after", d.stableAfter().toMillis() + "ms");
    } else {
      own.put("pekko.cluster.downing-provider-class", "");
    }
    if (!base.hasPath("pekko.loggers")
        || base.getStringList("pekko.loggers").equals(List.of(PEKKO_DEFAULT_LOGGER))) {
      own.put("pekko.loggers", List.of("org.apache.pekko.event.slf4j.Slf4jLogger"));
      own.put("pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter");
    }
    Config overlay = ConfigFactory.empty();
    for (Map.Entry<String, Object> e : own.entrySet()) {
      overlay = overlay.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    return overlay.withFallback(base).resolve();
  }

  /** The settings the node runs with (with the port actually chosen for aeron-udp). */
  public NodeSettings settings() {
    return settings;
  }

  /** The node's actor system. */
  public ActorSystem<SpawnProtocol.Command> system() {
    return system;
  }

  /** The node's cluster extension. */
  public Cluster cluster() {
    return Cluster.get(system);
  }

  /** The node's address with the port actually bound. */
  public Address address() {
    return cluster().selfMember().address();
  }

  /** Joins the cluster of the given seed nodes (when started with {@code auto-join = off}). */
  public void join(List<Address> seedNodes) {
    cluster().manager().tell(new JoinSeedNodes(seedNodes));
  }

  /** Completes when this node's membership is {@code Up}. */
  public CompletionStage<Void> whenUp() {
    CompletableFuture<Void> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(() -> up.complete(null));
    return up;
  }

  /** Spawns a top-level actor under {@code /user/<name>} through the guardian. */
  public <T> CompletionStage<ActorRef<T>> spawn(
      Behavior<T> behavior, String name, Duration timeout) {
    return spawn(behavior, name, Props.empty(), timeout);
  }

  /** As {@link #spawn(Behavior, String, Duration)} with props (e.g. a dispatcher). */
  public <T> CompletionStage<ActorRef<T>> spawn(
      Behavior<T> behavior, String name, Props props, Duration timeout) {
    return AskPattern.ask(
        system,
        (ActorRef<ActorRef<T>> replyTo) ->
            new SpawnProtocol.Spawn<>(behavior, name, props, replyTo),
        timeout,
        system.scheduler());
  }

  /** As {@link #spawn} but waits for the reference. */
  public <T> ActorRef<T> spawnAndWait(Behavior<T> behavior, String name, Duration timeout) {
    return spawnAndWait(behavior, name, Props.empty(), timeout);
  }

  /** As {@link #spawn(Behavior, String, Props, Duration)} but waits for the reference. */
  public <T> ActorRef<T> spawnAndWait(
      Behavior<T> behavior, String name, Props props, Duration timeout) {
    try {
      return spawn(behavior, name, props, timeout)
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while spawning " + name, e);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not spawn " + name + ": " + e, e);
    }
  }

  /** Leaves the cluster gracefully and terminates, waiting up to {@code timeout}. */
  public void shutdown(Duration timeout) {
    system.terminate();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      log.warn("Node [{}] did not terminate within [{}]", settings.systemName(), timeout);
    }
  }

  /** Terminates the node, waiting up to 30 seconds. */
  @Override
  public void close() {
    shutdown(Duration.ofSeconds(30));
  }

  private static String bindHost(NodeSettings s) {
    return s.bindHostname().isEmpty() ? s.hostname() : s.bindHostname();
  }

  private static int freeUdpPort(String host) {
    try (DatagramChannel channel = DatagramChannel.open()) {
      channel.bind(new InetSocketAddress(host, 0));
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free UDP port on " + host, e);
    }
  }

  /**
   * Sets the Aeron media driver tuning properties that are not set yet. They are read when the
   * driver context is built, i.e. when the first aeron-udp node of this JVM starts.
   */
  static void applyAeronSystemProperties(AeronSettings a) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("aeron.socket.so_rcvbuf", Integer.toString(a.socketBufferBytes()));
    props.put("aeron.socket.so_sndbuf", Integer.toString(a.socketBufferBytes()));
    props.put("aeron.rcv.initial.window.length", Integer.toString(a.receiverWindowBytes()));
    props.put("aeron.mtu.length", Integer.toString(a.mtuBytes()));
    synchronized (BeaverNode.class) {
      for (Map.Entry<String, String> e : props.entrySet()) {
        if (System.getProperty(e.getKey()) == null) {
          System.setProperty(e.getKey(), e.getValue());
        } else if (!System.getProperty(e.getKey()).equals(e.getValue())) {
          log.info(
              "Aeron property [{}] kept at [{}] (command line) instead of [{}]",
              e.getKey(),
              System.getProperty(e.getKey()),
              e.getValue());
        }
      }
    }
  }
}
