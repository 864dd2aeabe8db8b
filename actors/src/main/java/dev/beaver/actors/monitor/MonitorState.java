package dev.beaver.actors.monitor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's monitoring picture on the coordinator: the newest snapshot of every node, the
 * membership, the training steps, throughput series and recent samples. The
 * {@link MonitorAggregator} writes it; the dashboard and {@code /metrics} read immutable
 * {@link View}s from any thread.
 */
public final class MonitorState {
  /** Training steps kept (a chart of the whole run for runs up to this many steps). */
  static final int MAX_STEPS = 5000;
  /** Points of the throughput series (one per aggregator tick: 15 minutes at 1 s). */
  static final int MAX_SERIES = 900;
  /** Recent samples kept. */
  static final int MAX_SAMPLES = 20;

  /** One cluster member as the coordinator sees it. */
  public record Member(String address, String status, List<String> roles, boolean reachable) {
    public Member {
      roles = List.copyOf(roles);
    }
  }

  /**
   * One node: its membership (status {@code reporting} for a node that reports but is not a
   * member, {@code unknown} roles when it has not reported) and its newest snapshot (null until
   * the first).
   */
  public record NodeView(String address, List<String> roles, String status, boolean reachable,
      NodeSnapshot last, long lastSeenMs) {}

  /**
   * Cluster-wide throughput at one time: generated tokens, scored samples and processed
   * messages per second (sums over the nodes' last windows).
   */
  public record SeriesPoint(long timeMs, double tokensPerSecond, double samplesPerSecond,
      double messagesPerSecond) {}

  /** An immutable copy of the state. */
  public record View(long timeMs, List<NodeView> nodes, List<NodeSnapshot.TrainingStep> training,
      List<SeriesPoint> series, List<NodeSnapshot.Sample> samples) {
    /** The newest training step's metrics (empty before the first step). */
    public Map<String, Double> lastTraining() {
      return training.isEmpty() ? Map.of() : training.get(training.size() - 1).metrics();
    }
  }

  private final Map<String, NodeSnapshot> latest = new TreeMap<>();
  private final Map<String, Long> seen = new TreeMap<>();
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Deque<NodeSnapshot.TrainingStep> training = new ArrayDeque<>();
  private final Deque<SeriesPoint> series = new ArrayDeque<>();
  private final Deque<NodeSnapshot.Sample> samples = new ArrayDeque<>();

  /** Takes a node's snapshot. */
  public synchronized void accept(NodeSnapshot s) {
    latest.put(s.node(), s);
    seen.put(s.node(), System.currentTimeMillis());
    for (NodeSnapshot.TrainingStep t : s.training()) {
      training.addLast(t);
    }
    while (training.size() > MAX_STEPS) {
      training.removeFirst();
    }
    for (NodeSnapshot.Sample x : s.samples()) {
      samples.addLast(x);
    }
    while (samples.size() > MAX_SAMPLES) {
      samples.removeFirst();
    }
  }

  /** Replaces the membership. */
  public synchronized void members(List<Member> now) {
    members.clear();
    for (Member m : now) {
      members.put(m.address(), m);
    }
  }

  /**
   * Adds a point to the throughput series: the rates of the nodes that reported within
   * {@code freshMs}.
   */
  public synchronized void tick(long nowMs, long freshMs) {
    double tokens = 0;
    double samplesPerS = 0;
    double messages = 0;
    for (var e : latest.entrySet()) {
      if (nowMs - seen.getOrDefault(e.getKey(), 0L) > freshMs) {
        continue;
      }
      NodeSnapshot s = e.getValue();
      for (NodeSnapshot.ActorStats a : s.actors()) {
        tokens += a.rates().getOrDefault("rollout_tokens_total", 0.0);
        samplesPerS += a.rates().getOrDefault("scorer_samples_total", 0.0);
        messages += a.windowMessages() / Math.max(1e-9, s.windowSeconds());
      }
    }
    series.addLast(new SeriesPoint(nowMs, tokens, samplesPerS, messages));
    while (series.size() > MAX_SERIES) {
      series.removeFirst();
    }
  }

  /** A copy of everything, nodes by address. */
  public synchronized View view() {
    Map<String, NodeView> nodes = new TreeMap<>();
    for (Member m : members.values()) {
      NodeSnapshot s = latest.get(m.address());
      nodes.put(m.address(), new NodeView(m.address(), m.roles(), m.status(), m.reachable(), s,
          seen.getOrDefault(m.address(), 0L)));
    }
    for (var e : latest.entrySet()) {
      if (!nodes.containsKey(e.getKey())) {
        nodes.put(e.getKey(), new NodeView(e.getKey(), e.getValue().roles(), "reporting", true,
            e.getValue(), seen.get(e.getKey())));
      }
    }
    List<NodeView> list = new ArrayList<>(nodes.values());
    list.sort(Comparator.comparing(NodeView::address));
    return new View(System.currentTimeMillis(), list, new ArrayList<>(training),
        new ArrayList<>(series), new ArrayList<>(samples));
  }
}
