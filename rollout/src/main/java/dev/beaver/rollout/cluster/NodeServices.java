package dev.beaver.rollout.cluster;

import dev.beaver.actors.Role;
import dev.beaver.actors.monitor.Monitoring;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.transfer.BulkServer;
import dev.beaver.actors.transfer.ChunkReceiver;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.WeightsInbox;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What every pipeline node runs besides Pekko: the weights inbox, the node's weights chunk
 * receiver ({@code /user/chunks-weights}) and the {@link NodeAgent} (on the blocking dispatcher,
 * since it loads models), all top-level. The coordinator of a job is started separately
 * ({@link #runJob}).
 */
public final class NodeServices {
  private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(30);
  private static final java.util.concurrent.atomic.AtomicLong JOBS =
      new java.util.concurrent.atomic.AtomicLong();

  private NodeServices() {}

  /** Starts the agent stack on {@code node} for the node's pipeline roles. */
  public static ActorRef<NodeAgent.Command> start(BeaverNode node, JobFactory factory) {
    var settings = node.settings();
    ActorRef<WeightsInbox.Command> inbox = node.spawnAndWait(
        Monitoring.instrument(WeightsInbox.create()), "weights-inbox",
        Monitoring.props(node.system(), null), SPAWN_TIMEOUT);
    ActorRef<ChunkedPayload.Assembled> forward =
        node.spawnAndWait(WeightsInbox.forwarder(inbox), "weights-forward", SPAWN_TIMEOUT);
    ActorRef<ChunkReceiver.Command> receiver = node.spawnAndWait(
        ChunkReceiver.create(settings.transfer(), forward),
        ChunkReceiver.NAME_PREFIX + "weights", SPAWN_TIMEOUT);
    String bulk = startBulkServer(node, forward);
    return node.spawnAndWait(
        Monitoring.instrument(NodeAgent.create(settings.roles(), factory, receiver.narrow(),
            inbox, settings.transfer(), bulk)),
        "agent", Monitoring.props(node.system(), PipelineSettings.BLOCKING_DISPATCHER),
        SPAWN_TIMEOUT);
  }

  /**
   * A rollout node's bulk data plane server (plain TCP on the node's hostname, payloads to the
   * weights inbox), when {@code beaver.node.transfer.bulk.enabled} and the transport is not
   * {@code tls-tcp} (the data plane is not encrypted: with TLS, weights stay on Artery); closed
   * with the actor system. Returns its {@code host:port}, or empty for none.
   */
  private static String startBulkServer(BeaverNode node,
      ActorRef<ChunkedPayload.Assembled> forward) {
    var config = node.system().settings().config();
    if (!node.settings().hasRole(Role.ROLLOUT)
        || !config.getBoolean("beaver.node.transfer.bulk.enabled")
        || node.settings().transport() == dev.beaver.actors.node.Transport.TLS_TCP) {
      return "";
    }
    BulkServer server = BulkServer.start(node.settings().hostname(),
        config.getInt("beaver.node.transfer.bulk.port"),
        config.getBytes("beaver.node.transfer.max-buffered-bytes"),
        config.getDuration("beaver.node.transfer.idle-timeout"), forward::tell);
    node.system().getWhenTerminated().whenComplete((done, e) -> server.close());
    return server.address();
  }

  /** The driver under a parent that completes {@code outcome} even when the driver fails. */
  private static Behavior<JobDriver.Outcome> watched(JobSpec job, JobParts parts,
      JobDriver.Layout layout, CompletableFuture<JobDriver.Outcome> outcome) {
    return Behaviors.setup(ctx -> {
      ctx.watch(ctx.spawn(Monitoring.instrument(JobDriver.create(job, parts, layout,
          ctx.getSelf())), "driver", Monitoring.props(ctx.getSystem(), null)));
      return Behaviors.receive(JobDriver.Outcome.class)
          .onMessage(JobDriver.Outcome.class, o -> {
            outcome.complete(o);
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            outcome.complete(new JobDriver.Outcome(null,
                "the job driver stopped without an outcome (see the log)"));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  /**
   * Runs {@code job} from this node (which must carry the coordinator role) on the cluster's
   * agents and waits for its outcome.
   */
  public static JobDriver.Outcome runJob(BeaverNode node, JobSpec job, JobParts parts,
      JobDriver.Layout layout) {
    if (!node.settings().hasRole(Role.COORDINATOR)) {
      throw new IllegalArgumentException("a job runs from a node with the coordinator role");
    }
    parts.plan();
    parts.pipeline();
    CompletableFuture<JobDriver.Outcome> outcome = new CompletableFuture<>();
    node.spawnAndWait(watched(job, parts, layout, outcome), "job-" + job.command() + "-" + JOBS.incrementAndGet(),
        SPAWN_TIMEOUT);
    try {
      return outcome.get(365, TimeUnit.DAYS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new JobDriver.Outcome(null, "interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return new JobDriver.Outcome(null, e.toString());
    }
  }
}
