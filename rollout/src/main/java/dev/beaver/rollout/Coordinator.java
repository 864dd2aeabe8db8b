package dev.beaver.rollout;

import dev.beaver.actors.ClusterMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The job's prompt cursor, admission control and work ledger. Workers pull work; a worker at
 * policy version {@code w} gets the next micro-batch (consumed by the learner at version
 * {@code round}) only while
 * <ul>
 *   <li>{@code round − w ≤ max_staleness} (hence also {@code learnerVersion − w ≤ max_staleness},
 *       since the learner has not passed an unconsumed round), and
 *   <li>fewer than {@code bufferCapacity} micro-batches are admitted and not yet consumed
 *       (backpressure: a full experience buffer stops admission).
 * </ul>
 * Requests that cannot be served wait, one per worker, and are re-checked when the learner
 * advances or a worker reports a newer version.
 *
 * <p>Every dispatched micro-batch stays <em>outstanding</em> until the experience buffer reports
 * it {@link Stored}. Outstanding work is dispatched again, before any new work, when its worker
 * or the scorer it was routed to terminates (a lost node), and when its worker made no progress
 * for {@code workerTimeout} (the stalled worker is then reported to {@code stalled}, whose owner
 * restarts it). The buffer keeps the first copy of a micro-batch, so a late duplicate is neither
 * lost nor counted twice. Scorers (when given) are chosen per micro-batch, round robin over the
 * live ones.
 */
public final class Coordinator extends AbstractBehavior<Coordinator.Command> {
  public sealed interface Command {}

  /** A worker holding policy {@code workerVersion} asks for one micro-batch. */
  public record RequestWork(long workerVersion, ActorRef<RolloutWorker.Command> worker)
      implements Command, ClusterMessage {}

  /** The learner finished a round: it is now at {@code learnerVersion}, {@code consumed} freed. */
  public record LearnerAdvanced(long learnerVersion, int consumed)
      implements Command, ClusterMessage {}

  /** The experience buffer holds micro-batch {@code micro} of {@code round}. */
  public record Stored(int round, int micro) implements Command, ClusterMessage {}

  /** Route generated micro-batches to this scorer too (a scorer node joined). */
  public record AddScorer(ActorRef<Scorer.Command> scorer) implements Command, ClusterMessage {}

  /** A worker that stopped making progress, for its owner to restart. */
  public record WorkerStalled(ActorRef<RolloutWorker.Command> worker)
      implements ClusterMessage {}

  private record WorkerTerminated(ActorRef<RolloutWorker.Command> worker)
      implements Command, NoSerializationVerificationNeeded {}

  private record ScorerTerminated(ActorRef<Scorer.Command> scorer)
      implements Command, NoSerializationVerificationNeeded {}

  private enum HealthTick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** A dispatched micro-batch not yet stored. */
  private record Outstanding(WorkItem item, ActorRef<RolloutWorker.Command> worker,
      ActorRef<Scorer.Command> scorer, long sinceNanos) {}

  private final PipelineSettings settings;
  private final Duration workerTimeout;
  private final ActorRef<WorkerStalled> stalled;
  private final List<WorkItem> items = new ArrayList<>();
  private final Deque<WorkItem> retry = new ArrayDeque<>();
  private final Map<Long, Outstanding> outstanding = new LinkedHashMap<>();
  private final Map<ActorRef<RolloutWorker.Command>, Long> waiting = new LinkedHashMap<>();
  private final List<ActorRef<RolloutWorker.Command>> watched = new ArrayList<>();
  private final List<ActorRef<Scorer.Command>> scorers = new ArrayList<>();
  private int nextScorer;
  private int cursor;
  private int inFlight;
  private long learnerVersion;
  private long redispatched;

  /** A coordinator for one JVM: workers send to their own scorer; no health checks. */
  public static Behavior<Command> create(PipelineSettings settings, RunPlan plan) {
    return create(settings, plan, List.of(), Duration.ZERO, null);
  }

  /**
   * @param scorers the scorers to route micro-batches to (empty: each worker's own scorer)
   * @param workerTimeout re-dispatch work a worker has held this long without result (zero: off)
   * @param stalled gets each stalled worker (may be null)
   */
  public static Behavior<Command> create(PipelineSettings settings, RunPlan plan,
      List<ActorRef<Scorer.Command>> scorers, Duration workerTimeout,
      ActorRef<WorkerStalled> stalled) {
    return create(settings, plan, 0, scorers, workerTimeout, stalled);
  }

  /**
   * A coordinator of a run that starts (resumes) at round {@code startRound}: earlier rounds are
   * done, and the learner starts at version {@code startRound}.
   */
  public static Behavior<Command> create(PipelineSettings settings, RunPlan plan, int startRound,
      List<ActorRef<Scorer.Command>> scorers, Duration workerTimeout,
      ActorRef<WorkerStalled> stalled) {
    if (settings.bufferCapacity() < plan.maxItemsPerRound()) {
      throw new IllegalArgumentException("the experience buffer (" + settings.bufferCapacity()
          + " micro-batches) must hold one whole round (" + plan.maxItemsPerRound() + ")");
    }
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers,
        settings, plan, startRound, scorers, workerTimeout, stalled)));
  }

  private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      PipelineSettings settings, RunPlan plan, int startRound,
      List<ActorRef<Scorer.Command>> scorers, Duration workerTimeout,
      ActorRef<WorkerStalled> stalled) {
    super(ctx);
    this.settings = settings;
    this.workerTimeout = workerTimeout;
    this.stalled = stalled;
    plan.rounds().stream().filter(r -> r.index() >= startRound)
        .forEach(r -> items.addAll(r.items()));
    this.learnerVersion = startRound;
    scorers.forEach(this::addScorer);
    if (!workerTimeout.isZero()) {
      timers.startTimerWithFixedDelay(HealthTick.INSTANCE, workerTimeout.dividedBy(4));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RequestWork.class, this::onRequestWork)
        .onMessage(LearnerAdvanced.class, this::onLearnerAdvanced)
        .onMessage(Stored.class, this::onStored)
        .onMessage(AddScorer.class, a -> {
          addScorer(a.scorer());
          return this;
        })
        .onMessage(WorkerTerminated.class, this::onWorkerTerminated)
        .onMessage(ScorerTerminated.class, this::onScorerTerminated)
        .onMessageEquals(HealthTick.INSTANCE, this::onHealthTick)
        .build();
  }

  private void addScorer(ActorRef<Scorer.Command> scorer) {
    if (!scorers.contains(scorer)) {
      scorers.add(scorer);
      getContext().watchWith(scorer, new ScorerTerminated(scorer));
    }
  }

  private Behavior<Command> onRequestWork(RequestWork r) {
    if (!watched.contains(r.worker())) {
      watched.add(r.worker());
      getContext().watchWith(r.worker(), new WorkerTerminated(r.worker()));
    }
    // A request means the worker holds no work: anything still charged to it was handed on.
    for (var e : outstanding.entrySet()) {
      if (r.worker().equals(e.getValue().worker())) {
        e.setValue(new Outstanding(e.getValue().item(), null, e.getValue().scorer(),
            e.getValue().sinceNanos()));
      }
    }
    waiting.put(r.worker(), r.workerVersion());
    getContext().getLog().debug("work requested at version {} ({} waiting, {} queued again, next"
        + " {}/{}, {} in flight, learner at {})", r.workerVersion(), waiting.size(),
        retry.size(), cursor, items.size(), inFlight, learnerVersion);
    dispatch();
    return this;
  }

  private Behavior<Command> onLearnerAdvanced(LearnerAdvanced a) {
    learnerVersion = Math.max(learnerVersion, a.learnerVersion());
    inFlight -= a.consumed();
    dispatch();
    return this;
  }

  private Behavior<Command> onStored(Stored s) {
    outstanding.remove(key(s.round(), s.micro()));
    return this;
  }

  private Behavior<Command> onWorkerTerminated(WorkerTerminated t) {
    waiting.remove(t.worker());
    watched.remove(t.worker());
    int n = requeue(o -> t.worker().equals(o.worker()));
    if (n > 0) {
      getContext().getLog().warn("worker {} terminated; dispatching its {} micro-batch(es) again",
          t.worker().path(), n);
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onScorerTerminated(ScorerTerminated t) {
    scorers.remove(t.scorer());
    int n = requeue(o -> t.scorer().equals(o.scorer()));
    getContext().getLog().warn("scorer {} terminated; dispatching its {} micro-batch(es) again"
        + " ({} scorer(s) left)", t.scorer().path(), n, scorers.size());
    dispatch();
    return this;
  }

  private Behavior<Command> onHealthTick() {
    long now = System.nanoTime();
    List<ActorRef<RolloutWorker.Command>> slow = new ArrayList<>();
    for (Outstanding o : outstanding.values()) {
      if (o.worker() != null && now - o.sinceNanos() > workerTimeout.toNanos()
          && !slow.contains(o.worker())) {
        slow.add(o.worker());
      }
    }
    for (ActorRef<RolloutWorker.Command> w : slow) {
      int n = requeue(o -> w.equals(o.worker()));
      waiting.remove(w);
      getContext().getLog().warn("worker {} made no progress for {} s; dispatching its {}"
          + " micro-batch(es) again", w.path(), workerTimeout.toSeconds(), n);
      if (stalled != null) {
        stalled.tell(new WorkerStalled(w));
      }
    }
    if (!slow.isEmpty()) {
      dispatch();
    }
    return this;
  }

  /** Moves the matching outstanding items to the front of the queue; returns how many. */
  private int requeue(java.util.function.Predicate<Outstanding> which) {
    List<WorkItem> again = new ArrayList<>();
    outstanding.values().removeIf(o -> {
      if (which.test(o)) {
        again.add(o.item());
        return true;
      }
      return false;
    });
    again.sort((a, b) -> a.round() != b.round() ? Integer.compare(a.round(), b.round())
        : Integer.compare(a.micro(), b.micro()));
    for (int i = again.size() - 1; i >= 0; i--) {
      retry.addFirst(again.get(i));
    }
    redispatched += again.size();
    return again.size();
  }

  private void dispatch() {
    var it = waiting.entrySet().iterator();
    while (it.hasNext()) {
      WorkItem next;
      boolean fresh = retry.isEmpty();
      if (!fresh) {
        next = retry.peekFirst();
      } else if (cursor < items.size() && inFlight < settings.bufferCapacity()) {
        next = items.get(cursor);
      } else {
        return;
      }
      var w = it.next();
      if (!admits(next.round(), learnerVersion, w.getValue(), settings.maxStaleness())) {
        continue;
      }
      it.remove();
      if (fresh) {
        cursor++;
        inFlight++;
      } else {
        retry.pollFirst();
      }
      ActorRef<Scorer.Command> scorer = scorers.isEmpty() ? null
          : scorers.get(nextScorer++ % scorers.size());
      outstanding.put(key(next.round(), next.micro()),
          new Outstanding(next, w.getKey(), scorer, System.nanoTime()));
      w.getKey().tell(new RolloutWorker.Generate(next, scorer));
    }
  }

  private static long key(int round, int micro) {
    return ((long) round << 32) | (micro & 0xffffffffL);
  }

  /** The admission rule (see the class comment). */
  static boolean admits(long round, long learnerVersion, long workerVersion, int maxStaleness) {
    return workerVersion >= 0 && round - workerVersion <= maxStaleness
        && learnerVersion - workerVersion <= maxStaleness;
  }
}
