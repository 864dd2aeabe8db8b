package dev.beaver.actors.monitor;

import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The instrumentation of Beaver's actors. Spawn a part as
 * {@code ctx.spawn(Monitoring.instrument(behavior), name, Monitoring.props(system, dispatcher))}:
 * the behaviour is wrapped in a {@link MonitorInterceptor} (messages, processing time, failures,
 * restarts) and the actor runs on the {@link CountingMailbox} (mailbox depth). The first
 * instrumented actor of a system starts the node's {@link NodeReporter}. Role code records its
 * own figures through the static {@link #count}, {@link #gauge}, {@link #training} and
 * {@link #sample}: they go to the actor whose message is being processed on the calling thread,
 * and do nothing outside an instrumented actor (or with {@code beaver.monitor.enabled = off}).
 */
public final class Monitoring {
  /** The configuration path of the counting mailbox (actors' reference.conf). */
  public static final String MAILBOX = "beaver-monitor-mailbox";

  private static final ThreadLocal<ActorMetrics> CURRENT = new ThreadLocal<>();

  private Monitoring() {}

  /** {@code behavior} instrumented, with its role label taken from the actor's name. */
  public static <T> Behavior<T> instrument(Behavior<T> behavior) {
    return instrument(null, behavior);
  }

  /**
   * {@code behavior} instrumented.
   *
   * @param role the role label (rollout, scorer, learner, coordinator, node); null: from the
   *     actor's name ({@link #roleOf})
   */
  public static <T> Behavior<T> instrument(String role, Behavior<T> behavior) {
    return Behaviors.setup(ctx -> {
      MonitorRegistry registry = MonitorRegistry.get(ctx.getSystem());
      if (!registry.settings().enabled()) {
        return behavior;
      }
      startReporter(ctx.getSystem(), registry);
      ActorMetrics m = registry.registerOrResume(ctx.getSelf().path(),
          role == null ? roleOf(ctx.getSelf().path().name()) : role);
      return Behaviors.intercept(() -> new MonitorInterceptor<>(m), behavior);
    });
  }

  /** Props of an instrumented actor: the counting mailbox (when enabled) and {@code dispatcher}. */
  public static Props props(ActorSystem<?> system, String dispatcher) {
    Props props = dispatcher == null ? Props.empty() : DispatcherSelector.fromConfig(dispatcher);
    return MonitorRegistry.get(system).settings().enabled()
        ? props.withMailboxFromConfig(MAILBOX) : props;
  }

  /** Starts the node's reporter unless it runs (idempotent). */
  public static void startReporter(ActorSystem<?> system) {
    MonitorRegistry registry = MonitorRegistry.get(system);
    if (registry.settings().enabled()) {
      startReporter(system, registry);
    }
  }

  private static void startReporter(ActorSystem<?> system, MonitorRegistry registry) {
    if (registry.claimReporter()) {
      system.systemActorOf(NodeReporter.create(registry), "beaver-monitor-reporter",
          Props.empty());
    }
  }

  /**
   * The role label of an actor named {@code name}: workers are rollout, scorers scorer, the
   * learner and the experience buffer learner, the coordinator and the job driver coordinator,
   * anything else (agents, weight receivers) node.
   */
  public static String roleOf(String name) {
    if (name.startsWith("worker") || name.startsWith("weights-")) {
      return "rollout";
    } else if (name.startsWith("scorer")) {
      return "scorer";
    } else if (name.startsWith("learner") || name.startsWith("buffer")) {
      return "learner";
    } else if (name.startsWith("coordinator") || name.startsWith("driver")
        || name.startsWith("job-")) {
      return "coordinator";
    }
    return "node";
  }

  static ActorMetrics enter(ActorMetrics m) {
    ActorMetrics outer = CURRENT.get();
    CURRENT.set(m);
    return outer;
  }

  static void exit(ActorMetrics outer) {
    // set, never remove: a removed entry would be allocated again by the next set
    CURRENT.set(outer);
  }

  /** The figures of the instrumented actor running on this thread, or null. */
  public static ActorMetrics current() {
    return CURRENT.get();
  }

  /** Adds {@code delta} to the current actor's counter {@code name} (e.g. tokens generated). */
  public static void count(String name, double delta) {
    ActorMetrics m = CURRENT.get();
    if (m != null) {
      m.count(name, delta);
    }
  }

  /** Sets the current actor's gauge {@code name} (e.g. the generation batch size). */
  public static void gauge(String name, double value) {
    ActorMetrics m = CURRENT.get();
    if (m != null) {
      m.gauge(name, value);
    }
  }

  /** Records an optimizer step's metrics (safe-rlhf's names) on the current actor's node. */
  public static void training(long step, Map<String, Double> metrics) {
    ActorMetrics m = CURRENT.get();
    if (m != null) {
      m.registry().training(step, metrics);
    }
  }

  /** Whether a sample recorded now would be kept (at most one per {@code sample-interval}). */
  public static boolean wantsSample() {
    ActorMetrics m = CURRENT.get();
    return m != null && m.registry().wantsSample();
  }

  /** Records a decoded sample on the current actor's node. */
  public static void sample(long version, String prompt, String response, double reward,
      double cost) {
    ActorMetrics m = CURRENT.get();
    if (m != null) {
      m.registry().sample(version, prompt, response, reward, cost);
    }
  }
}
