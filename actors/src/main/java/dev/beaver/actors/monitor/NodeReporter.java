package dev.beaver.actors.monitor;

import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A node's reporter (one per actor system, a system actor): every report interval it takes the
 * registry's {@link NodeSnapshot} and sends it to every {@link MonitorAggregator} registered with
 * the receptionist. Without an aggregator it keeps the windows moving and leaves the buffered
 * training steps and samples for later.
 */
final class NodeReporter extends AbstractBehavior<NodeReporter.Command> {
  sealed interface Command {}

  private enum Tick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private record Listed(Set<ActorRef<MonitorAggregator.Command>> aggregators)
      implements Command, NoSerializationVerificationNeeded {}

  private final MonitorRegistry registry;
  private Set<ActorRef<MonitorAggregator.Command>> aggregators = Set.of();

  static Behavior<Command> create(MonitorRegistry registry) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new NodeReporter(ctx, t, registry)));
  }

  private NodeReporter(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      MonitorRegistry registry) {
    super(ctx);
    this.registry = registry;
    ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
        l -> new Listed(l.getServiceInstances(MonitorAggregator.KEY)));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(MonitorAggregator.KEY, adapter));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, registry.settings().reportInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listed.class, this::onListed)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onListed(Listed l) {
    aggregators = l.aggregators();
    return this;
  }

  private Behavior<Command> onTick() {
    NodeSnapshot snapshot = registry.snapshot(!aggregators.isEmpty());
    for (ActorRef<MonitorAggregator.Command> a : aggregators) {
      a.tell(snapshot);
    }
    return this;
  }
}
