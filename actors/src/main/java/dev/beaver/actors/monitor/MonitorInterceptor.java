package dev.beaver.actors.monitor;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * Counts and times every message of one actor (processing time: the behaviour's call, on the
 * actor's thread), counts exceptions thrown by the behaviour (failures) and {@link PreRestart}
 * signals (restarts: the interceptor must sit inside the supervisor, as
 * {@code Behaviors.supervise(Monitoring.instrument(b))}), marks the actor stopped on
 * {@link PostStop}, and makes the actor's {@link ActorMetrics} the current ones while it runs
 * ({@link Monitoring#count}). Two {@code nanoTime} calls and a few atomic writes per message.
 */
final class MonitorInterceptor<T> extends BehaviorInterceptor<T, T> {
  private final ActorMetrics metrics;

  @SuppressWarnings("unchecked")
  MonitorInterceptor(ActorMetrics metrics) {
    super((Class<T>) Object.class);
    this.metrics = metrics;
  }

  @Override
  public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
    ActorMetrics outer = Monitoring.enter(metrics);
    try {
      return target.start(ctx);
    } finally {
      Monitoring.exit(outer);
    }
  }

  @Override
  public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T msg, ReceiveTarget<T> target) {
    ActorMetrics outer = Monitoring.enter(metrics);
    long t0 = System.nanoTime();
    try {
      return target.apply(ctx, msg);
    } catch (RuntimeException | Error e) {
      metrics.failed();
      throw e;
    } finally {
      metrics.processed(System.nanoTime() - t0);
      Monitoring.exit(outer);
    }
  }

  @Override
  public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal,
      SignalTarget<T> target) {
    if (signal instanceof PreRestart) {
      metrics.restarted();
    } else if (signal instanceof PostStop) {
      metrics.stopped();
    }
    ActorMetrics outer = Monitoring.enter(metrics);
    try {
      return target.apply(ctx, signal);
    } finally {
      Monitoring.exit(outer);
    }
  }

  @Override
  public boolean isSame(BehaviorInterceptor<Object, Object> other) {
    // Two instrumentations of one actor would count every message twice: keep the outer one.
    return other instanceof MonitorInterceptor;
  }
}
