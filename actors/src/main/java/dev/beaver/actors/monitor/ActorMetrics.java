package dev.beaver.actors.monitor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The figures of one instrumented actor: messages processed, failures (exceptions out of its
 * behaviour), restarts, processing time, mailbox depth (when it runs on the counting mailbox),
 * and its role's own counters and gauges ({@link Monitoring#count}, {@link Monitoring#gauge}).
 * The actor's thread writes, the node's reporter reads; nothing allocates per message.
 */
public final class ActorMetrics {
  private final MonitorRegistry registry;
  private final String path;
  private final String name;
  private final String role;
  private final MailboxDepth mailboxDepth;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong restarts = new AtomicLong();
  private final AtomicLong busyNanos = new AtomicLong();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final Map<String, DoubleAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, Double> gauges = new ConcurrentHashMap<>();
  private volatile boolean alive = true;

  ActorMetrics(MonitorRegistry registry, String path, String name, String role,
      MailboxDepth mailboxDepth) {
    this.registry = registry;
    this.path = path;
    this.name = name;
    this.role = role;
    this.mailboxDepth = mailboxDepth;
  }

  /** One message processed in {@code nanos}. */
  void processed(long nanos) {
    messages.lazySet(messages.get() + 1); // one writer: the actor's thread
    busyNanos.lazySet(busyNanos.get() + nanos);
    latency.record(nanos);
  }

  void failed() {
    failures.incrementAndGet();
  }

  void restarted() {
    restarts.incrementAndGet();
  }

  void stopped() {
    alive = false;
  }

  /** Adds {@code delta} to this actor's counter {@code name} (a Prometheus counter). */
  public void count(String counter, double delta) {
    counters.computeIfAbsent(counter, k -> new DoubleAdder()).add(delta);
  }

  /** Sets this actor's gauge {@code name}. */
  public void gauge(String gauge, double value) {
    gauges.put(gauge, value);
  }

  public MonitorRegistry registry() {
    return registry;
  }

  public String path() {
    return path;
  }

  public String name() {
    return name;
  }

  public String role() {
    return role;
  }

  public boolean alive() {
    return alive;
  }

  public long messages() {
    return messages.get();
  }

  public long failures() {
    return failures.get();
  }

  public long restarts() {
    return restarts.get();
  }

  public long busyNanos() {
    return busyNanos.get();
  }

  /** Messages waiting in the mailbox, or -1 when the actor does not run on the counting mailbox. */
  public int mailboxDepth() {
    return mailboxDepth == null ? -1 : mailboxDepth.depth();
  }

  LatencyHistogram latency() {
    return latency;
  }

  Map<String, Double> counterValues() {
    Map<String, Double> out = new java.util.HashMap<>();
    counters.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  Map<String, Double> gaugeValues() {
    return new java.util.HashMap<>(gauges);
  }
}
