package dev.beaver.actors.monitor;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

/**
 * The monitoring figures of one actor system (node): one {@link ActorMetrics} per instrumented
 * actor, the mailbox depth counters of the counting mailbox, and the training steps and samples
 * recorded since the last report. {@link #snapshot()} turns them into the node's
 * {@link NodeSnapshot} (the reporter calls it once per report interval).
 */
public final class MonitorRegistry implements Extension {
  /** Stopped actors kept for the dashboard at most (the oldest are evicted first). */
  static final int MAX_STOPPED = 256;

  private static final Id ID = new Id();

  private final ExtendedActorSystem system;
  private final MonitorSettings settings;
  private final Map<String, ActorMetrics> actors = new ConcurrentHashMap<>();
  private final Map<String, MailboxDepth> mailboxes = new ConcurrentHashMap<>();
  private final Deque<NodeSnapshot.TrainingStep> training = new ArrayDeque<>();
  private final Deque<NodeSnapshot.Sample> samples = new ArrayDeque<>();
  private final AtomicBoolean reporterStarted = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicLong lastSampleNanos =
      new java.util.concurrent.atomic.AtomicLong();
  // Reporter-side state of the previous snapshot (windowed figures are deltas against it).
  private final Map<String, Window> previous = new HashMap<>();
  private long previousNanos = System.nanoTime();

  private record Window(long messages, long[] latency, Map<String, Double> counters) {}

  static final class Id extends AbstractExtensionId<MonitorRegistry>
      implements ExtensionIdProvider {
    @Override
    public MonitorRegistry createExtension(ExtendedActorSystem system) {
      return new MonitorRegistry(system);
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }

  /** The registry of {@code system} (typed or classic). */
  public static MonitorRegistry get(ClassicActorSystemProvider system) {
    return ID.get(system.classicSystem());
  }

  private MonitorRegistry(ExtendedActorSystem system) {
    this.system = system;
    this.settings = MonitorSettings.fromRoot(system.settings().config());
  }

  public MonitorSettings settings() {
    return settings;
  }

  /** Whether the node's reporter still has to be started (true exactly once). */
  boolean claimReporter() {
    return reporterStarted.compareAndSet(false, true);
  }

  static String key(ActorPath path) {
    return path.toStringWithoutAddress();
  }

  /** The depth counter of the mailbox of the actor at {@code path} (the mailbox calls this). */
  MailboxDepth mailboxCreated(ActorPath path) {
    MailboxDepth depth = new MailboxDepth();
    mailboxes.put(key(path), depth);
    return depth;
  }

  void mailboxClosed(ActorPath path, MailboxDepth depth) {
    mailboxes.remove(key(path), depth);
  }

  /**
   * The figures of the actor at {@code path}: the running actor's own when it is set up again
   * after a restart (its counts go on), else new ones (a new actor of a stopped one's path).
   */
  public ActorMetrics registerOrResume(ActorPath path, String role) {
    String k = key(path);
    ActorMetrics m = actors.compute(k, (key, old) -> old != null && old.alive() ? old
        : new ActorMetrics(this, key, path.name(), role, mailboxes.get(key)));
    evictStopped();
    return m;
  }

  /** Whether a sample recorded now is wanted: at most one per {@code sample-interval}. */
  boolean wantsSample() {
    long now = System.nanoTime();
    long last = lastSampleNanos.get();
    return (last == 0 || now - last >= settings.sampleInterval().toNanos())
        && lastSampleNanos.compareAndSet(last, now);
  }

  private void evictStopped() {
    List<String> stopped = new ArrayList<>();
    actors.forEach((k, m) -> {
      if (!m.alive()) {
        stopped.add(k);
      }
    });
    for (int i = 0; i < stopped.size() - MAX_STOPPED; i++) {
      actors.remove(stopped.get(i));
    }
  }

  /** The figures of every registered actor (stopped ones included until evicted). */
  public List<ActorMetrics> actors() {
    return new ArrayList<>(actors.values());
  }

  /** Records one optimizer step's metrics for the aggregator. */
  public void training(long step, Map<String, Double> metrics) {
    Map<String, Double> copy = new HashMap<>();
    metrics.forEach((k, v) -> {
      if (k != null && v != null) {
        copy.put(k, v);
      }
    });
    synchronized (training) {
      training.addLast(new NodeSnapshot.TrainingStep(step, System.currentTimeMillis(), copy));
      while (training.size() > settings.maxBufferedSteps()) {
        training.removeFirst();
      }
    }
  }

  /** Records one decoded sample for the aggregator (text cut to {@code max-sample-chars}). */
  public void sample(long version, String prompt, String response, double reward, double cost) {
    var s = new NodeSnapshot.Sample(System.currentTimeMillis(), version, cut(prompt),
        cut(response), reward, cost);
    synchronized (samples) {
      samples.addLast(s);
      while (samples.size() > settings.maxBufferedSamples()) {
        samples.removeFirst();
      }
    }
  }

  private String cut(String s) {
    if (s == null) {
      return "";
    }
    int max = settings.maxSampleChars();
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /**
   * The node's snapshot; windowed figures cover the time since the previous call.
   *
   * @param drain whether to take the buffered training steps and samples (only when an
   *     aggregator will get them)
   */
  public synchronized NodeSnapshot snapshot(boolean drain) {
    long now = System.nanoTime();
    double window = Math.max(1e-9, (now - previousNanos) / 1e9);
    previousNanos = now;
    List<NodeSnapshot.ActorStats> stats = new ArrayList<>();
    Map<String, Window> next = new HashMap<>();
    for (ActorMetrics m : actors()) {
      long messages = m.messages();
      long[] latency = m.latency().counts();
      Map<String, Double> counters = m.counterValues();
      Window before = previous.get(m.path());
      long[] delta = LatencyHistogram.minus(latency, before == null ? null : before.latency());
      Map<String, Double> rates = new HashMap<>();
      counters.forEach((k, v) -> {
        double was = before == null ? 0 : before.counters().getOrDefault(k, 0.0);
        rates.put(k, (v - was) / window);
      });
      stats.add(new NodeSnapshot.ActorStats(m.path(), m.name(), m.role(), m.alive(), messages,
          m.failures(), m.restarts(), m.mailboxDepth(),
          messages - (before == null ? 0 : before.messages()), m.busyNanos() / 1e9,
          LatencyHistogram.quantile(delta, 0.50) / 1e6,
          LatencyHistogram.quantile(delta, 0.95) / 1e6,
          LatencyHistogram.quantile(delta, 0.99) / 1e6, counters, rates, m.gaugeValues()));
      next.put(m.path(), new Window(messages, latency, counters));
    }
    previous.clear();
    previous.putAll(next);
    List<NodeSnapshot.TrainingStep> steps = List.of();
    List<NodeSnapshot.Sample> recent = List.of();
    if (drain) {
      synchronized (training) {
        steps = new ArrayList<>(training);
        training.clear();
      }
      synchronized (samples) {
        recent = new ArrayList<>(samples);
        samples.clear();
      }
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new NodeSnapshot(nodeAddress(), nodeRoles(), System.currentTimeMillis(), window,
        heap.getUsed(), heap.getMax(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors(), stats, steps, recent);
  }

  private String nodeAddress() {
    return system.provider().getDefaultAddress().toString();
  }

  private List<String> nodeRoles() {
    try {
      List<String> roles = new ArrayList<>();
      org.apache.pekko.cluster.Cluster.get(system).getSelfRoles().forEach(r -> {
        if (!r.startsWith("dc-")) {
          roles.add(r);
        }
      });
      java.util.Collections.sort(roles);
      return roles;
    } catch (RuntimeException e) {
      return List.of(); // not a cluster provider (local test systems)
    }
  }
}
