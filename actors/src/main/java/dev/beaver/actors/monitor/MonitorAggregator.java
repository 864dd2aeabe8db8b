package dev.beaver.actors.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The coordinator's collector: registered with the receptionist under {@link #KEY}, it takes
 * every node's {@link NodeSnapshot} into a {@link MonitorState}, and once per report interval
 * reads the cluster's membership (roles, status, reachability) and adds a throughput point.
 */
public final class MonitorAggregator extends AbstractBehavior<MonitorAggregator.Command> {
  /** What the aggregator takes: {@link NodeSnapshot}s (and its private tick). */
  public interface Command {}

  /** The receptionist key reporters find the aggregator by. */
  public static final ServiceKey<Command> KEY =
      ServiceKey.create(Command.class, "beaver-monitor-aggregator");

  /** Stops the aggregator (the dashboard closes). */
  public enum Stop implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private enum Tick implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private final MonitorState state;
  private final long freshMs;

  /** An aggregator writing into {@code state}. */
  public static Behavior<Command> create(MonitorState state) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new MonitorAggregator(ctx, t, state)));
  }

  private MonitorAggregator(ActorContext<Command> ctx, TimerScheduler<Command> timers,
      MonitorState state) {
    super(ctx);
    this.state = state;
    var interval = MonitorRegistry.get(ctx.getSystem()).settings().reportInterval();
    this.freshMs = 3 * interval.toMillis();
    ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeSnapshot.class, this::onSnapshot)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Command> onSnapshot(NodeSnapshot s) {
    state.accept(s);
    return this;
  }

  private Behavior<Command> onTick() {
    state.members(members());
    state.tick(System.currentTimeMillis(), freshMs);
    return this;
  }

  private List<MonitorState.Member> members() {
    ClusterEvent.CurrentClusterState cs;
    try {
      cs = Cluster.get(getContext().getSystem()).state();
    } catch (RuntimeException e) {
      return List.of(); // not a cluster (local test systems)
    }
    Set<Member> unreachable = cs.getUnreachable();
    List<MonitorState.Member> out = new ArrayList<>();
    for (Member m : cs.getMembers()) {
      List<String> roles = new ArrayList<>();
      m.getRoles().forEach(r -> {
        if (!r.startsWith("dc-")) {
          roles.add(r);
        }
      });
      java.util.Collections.sort(roles);
      out.add(new MonitorState.Member(m.address().toString(),
          m.status().toString().toLowerCase(java.util.Locale.ROOT), roles,
          !unreachable.contains(m)));
    }
    return out;
  }
}
