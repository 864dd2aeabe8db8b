package dev.beaver.rollout.cluster;

import dev.beaver.actors.ClusterMessage;
import dev.beaver.actors.Role;
import dev.beaver.actors.monitor.Monitoring;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.actors.transfer.TransferSettings;
import dev.beaver.learner.shard.ShardedStep;
import dev.beaver.rollout.Coordinator;
import dev.beaver.rollout.ExperienceBuffer;
import dev.beaver.rollout.LearnerActor;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.RolloutWorker;
import dev.beaver.rollout.Scorer;
import dev.beaver.rollout.WeightsInbox;
import dev.beaver.rollout.shard.LearnerGroup;
import dev.beaver.rollout.shard.LearnerShard;
import dev.beaver.rollout.shard.ShardEndpoint;
import dev.beaver.rollout.shard.ShardExchange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A node's host for the parts of a job: it registers with the receptionist under the key of each
 * of the node's pipeline roles, and on the driver's request builds the learner (with the
 * experience buffer), a scorer, or rollout workers from the job's {@link JobSpec} through the
 * node's {@link JobFactory}. It reports readiness, the learner's end and any failure of its parts
 * to the driver; {@link EndJob} stops the parts and frees their models. One job at a time.
 *
 * <p>Model loading blocks: spawn the agent on the blocking dispatcher.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {
  public sealed interface Command {}

  /**
   * Load learner shard {@code rank} of a group of {@code groupSize} and reply {@link
   * JobEvent.LearnerReady}. Rank 0 (the only shard when {@code groupSize} is 1) also starts the
   * experience buffer; in a group every shard starts its transport endpoint (its actors' names
   * end in {@code -groupId}), and ranks 1.. start a {@link LearnerShard} that trains the rounds
   * the leader sends once the driver has introduced the endpoints ({@link ShardExchange.Peers}).
   */
  public record StartLearner(JobSpec job, ActorRef<Coordinator.Command> coordinator,
      ActorRef<JobEvent> replyTo, int rank, int groupSize, long groupId)
      implements Command, ClusterMessage {
    /** The job's one learner. */
    public StartLearner(JobSpec job, ActorRef<Coordinator.Command> coordinator,
        ActorRef<JobEvent> replyTo) {
      this(job, coordinator, replyTo, 0, 1, 0);
    }

    public StartLearner {
      if (groupSize < 1 || rank < 0 || rank >= groupSize) {
        throw new IllegalArgumentException("learner rank " + rank + " of " + groupSize);
      }
    }
  }

  /** Load a scorer feeding {@code buffer}; reply {@link JobEvent.ScorerReady}. */
  public record StartScorer(JobSpec job, ActorRef<ExperienceBuffer.Command> buffer,
      ActorRef<Coordinator.Command> coordinator, ActorRef<JobEvent> replyTo) implements Command, ClusterMessage {}

  /**
   * Start {@code count} workers (indices {@code firstIndex}..) pulling from {@code coordinator}
   * and sending to {@code scorer}; reply {@link JobEvent.WorkersReady}.
   */
  public record StartWorkers(JobSpec job, int firstIndex, int count,
      ActorRef<Coordinator.Command> coordinator, ActorRef<Scorer.Command> scorer,
      ActorRef<JobEvent> replyTo) implements Command, ClusterMessage {}

  /**
   * Start training: the learner publishes version 0 to {@code receivers}, trains every round and
   * replies {@link JobEvent.JobFinished}.
   */
  public record BeginLearning(List<ActorRef<ChunkedPayload.Inbound>> receivers,
      List<String> bulkAddresses, ActorRef<JobEvent> replyTo) implements Command, ClusterMessage {
    /** @param bulkAddresses each receiver's node's bulk server ({@code host:port}, or empty) */
    public BeginLearning {
      receivers = List.copyOf(receivers);
      bulkAddresses = List.copyOf(bulkAddresses);
      if (bulkAddresses.size() != receivers.size()) {
        throw new IllegalArgumentException("one bulk address (or \"\") per receiver");
      }
    }
  }

  /**
   * A worker of this node stalled: stop it (once its current message ends) and start a fresh one
   * in its place, which gets the newest weights before it takes work.
   */
  public record RestartWorker(ActorRef<RolloutWorker.Command> worker)
      implements Command, ClusterMessage {}

  /** A rollout node joined the running job: the learner sends it weights from now on. */
  public record AddWeightsReceiver(ActorRef<ChunkedPayload.Inbound> receiver, String bulk)
      implements Command, ClusterMessage {}

  /** The job is over (or abandoned): stop its parts and free their models. */
  public record EndJob() implements Command, ClusterMessage {}

  private record LearnerDone(LearnerActor.Finished finished)
      implements Command, NoSerializationVerificationNeeded {}

  private record PartStopped(String name) implements Command, NoSerializationVerificationNeeded {}

  private record CoordinatorGone() implements Command, NoSerializationVerificationNeeded {}

  /** The receptionist key of the agents that serve {@code role}. */
  public static ServiceKey<Command> key(Role role) {
    return ServiceKey.create(Command.class, "beaver-agent-" + role.id());
  }

  private final JobFactory factory;
  private final TransferSettings transfer;
  private final String bulkAddress;
  private final ActorRef<ChunkedPayload.Inbound> weightsReceiver;
  private final ActorRef<WeightsInbox.Command> inbox;
  private final String node;
  private final Set<ActorRef<?>> parts = new HashSet<>();
  private JobSpec job;
  private JobParts jobParts;
  private ActorRef<JobEvent> driver;
  private ActorRef<ExperienceBuffer.Command> buffer;
  private ActorRef<Coordinator.Command> coordinator;
  private boolean ending;
  private boolean learnerFinished;
  private ActorRef<Coordinator.Command> watchedCoordinator;
  private ActorRef<LearnerActor.Command> learnerRef;
  private final Set<String> retired = new HashSet<>();
  private final java.util.Map<String, WorkerSlot> workerSlots = new java.util.HashMap<>();
  private int scorers;
  private int workers;
  private ShardEndpoint shard;
  private ShardedStep shardStep;
  /** Requests of another job waiting for this one to end, since when. */
  private final java.util.Map<Command, Long> busySince = new java.util.HashMap<>();

  /** How long a request of another job waits for the running one to end before it fails. */
  private final java.time.Duration busyWait;


  /**
   * @param roles the node's roles (agents register for rollout, scorer and learner)
   * @param weightsReceiver the node's {@code /user/chunks-weights} receiver, whose completed
   *     payloads go to {@code inbox}
   */
  public static Behavior<Command> create(Set<Role> roles, JobFactory factory,
      ActorRef<ChunkedPayload.Inbound> weightsReceiver, ActorRef<WeightsInbox.Command> inbox,
      TransferSettings transfer) {
    return create(roles, factory, weightsReceiver, inbox, transfer, "");
  }

  /**
   * As above, with the node's bulk data plane server ({@code host:port}, or empty for none),
   * which also delivers weights to {@code inbox}.
   */
  public static Behavior<Command> create(Set<Role> roles, JobFactory factory,
      ActorRef<ChunkedPayload.Inbound> weightsReceiver, ActorRef<WeightsInbox.Command> inbox,
      TransferSettings transfer, String bulkAddress) {
    return Behaviors.setup(ctx -> {
      for (Role r : roles) {
        if (r != Role.COORDINATOR) {
          ctx.getSystem().receptionist().tell(Receptionist.register(key(r), ctx.getSelf()));
        }
      }
      return new NodeAgent(ctx, factory, weightsReceiver, inbox, transfer, bulkAddress);
    });
  }

  private NodeAgent(ActorContext<Command> ctx, JobFactory factory,
      ActorRef<ChunkedPayload.Inbound> weightsReceiver, ActorRef<WeightsInbox.Command> inbox,
      TransferSettings transfer, String bulkAddress) {
    super(ctx);
    this.bulkAddress = bulkAddress == null ? "" : bulkAddress;
    this.busyWait = ctx.getSystem().settings().config().getDuration("beaver.rollout.busy-wait");
    this.transfer = transfer;
    this.factory = factory;
    this.weightsReceiver = weightsReceiver;
    this.inbox = inbox;
    this.node = ctx.getSystem().address().toString();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartLearner.class, this::onStartLearner)
        .onMessage(StartScorer.class, this::onStartScorer)
        .onMessage(StartWorkers.class, this::onStartWorkers)
        .onMessage(BeginLearning.class, this::onBeginLearning)
        .onMessage(LearnerDone.class, this::onLearnerDone)
        .onMessage(PartStopped.class, this::onPartStopped)
        .onMessage(RestartWorker.class, this::onRestartWorker)
        .onMessage(AddWeightsReceiver.class, a -> {
          if (learnerRef != null) {
            learnerRef.tell(new LearnerActor.AddReceiver(a.receiver(), a.bulk()));
          }
          return this;
        })
        .onMessage(EndJob.class, e -> onEndJob())
        .onMessage(CoordinatorGone.class, g -> {
          // The job's coordinator node is gone: nobody will end this job; free the node for the
          // next one (e.g. the job run again with --resume_from_checkpoint).
          if (!ending) {
            getContext().getLog().warn("the job's coordinator is gone; ending the job here");
          }
          return onEndJob();
        })
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onStartLearner(StartLearner s) {
    if (ending) {
      return later(s);
    }
    if (!open(s, s.job(), s.coordinator(), s.replyTo())) {
      return this;
    }
    try {
      PipelineSettings pipeline = jobParts.pipeline();
      if (s.groupSize() == 1) {
        jobParts.learner();
      } else {
        startShard(s);
      }
      if (s.rank() == 0) {
        coordinator = s.coordinator();
        buffer = spawnPart(ExperienceBuffer.create(pipeline.bufferCapacity(), s.coordinator()),
            "buffer", null);
      }
      s.replyTo().tell(new JobEvent.LearnerReady(s.rank(), buffer,
          shard == null ? null : shard.exchange(), shard == null ? null : shard.receiver()));
    } catch (RuntimeException e) {
      fail("cannot start learner shard " + s.rank(), e);
    }
    return this;
  }

  /**
   * This node's shard of the job's learner group: its endpoint (children of this agent, so the
   * receiver is under {@code /user/agent/chunks-*}, Artery's large-message lane), a trainer
   * built with a {@link ShardedStep} over it, and for ranks 1.. the {@link LearnerShard} on the
   * pinned learner dispatcher. The leader's group is made at {@link BeginLearning}.
   */
  private void startShard(StartLearner s) {
    ShardEndpoint.Spawner spawner = new ShardEndpoint.Spawner() {
      @Override
      public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
        return spawnPart(behavior, name, null);
      }
    };
    shard = ShardEndpoint.start(spawner, s.rank(), s.groupSize(), transfer,
        ShardExchange.DEFAULT_MAX_MESSAGE_BYTES, "-" + s.groupId());
    shardStep = new ShardedStep(ShardExchange.collective(shard.exchange(), s.rank(),
        s.groupSize()), getContext().getSystem().settings().config()
            .getDuration("beaver.rollout.learner-group-step-timeout"));
    LearnerActor.Models models = jobParts.learner(shardStep);
    if (s.rank() > 0) {
      spawnPart(LearnerShard.create(models.trainer(), jobParts.plan().batchesPerEpoch(),
          models.resume(), shard.exchange()), "learner-shard-" + s.rank(),
          PipelineSettings.LEARNER_DISPATCHER);
    }
  }

  private Behavior<Command> onStartScorer(StartScorer s) {
    if (ending) {
      return later(s);
    }
    if (!open(s, s.job(), s.coordinator(), s.replyTo())) {
      return this;
    }
    try {
      var scorer = spawnPart(Scorer.create(jobParts.scorer(), s.buffer()),
          "scorer-" + scorers++, PipelineSettings.BLOCKING_DISPATCHER);
      s.replyTo().tell(new JobEvent.ScorerReady(scorer));
    } catch (RuntimeException e) {
      fail("cannot start a scorer", e);
    }
    return this;
  }

  private Behavior<Command> onStartWorkers(StartWorkers s) {
    if (ending) {
      return later(s);
    }
    if (!open(s, s.job(), s.coordinator(), s.replyTo())) {
      return this;
    }
    try {
      for (int i = 0; i < s.count(); i++) {
        startWorker(new WorkerSlot(s.firstIndex() + i, s.coordinator(), s.scorer()));
      }
      s.replyTo().tell(new JobEvent.WorkersReady(s.count(), weightsReceiver, bulkAddress));
    } catch (RuntimeException e) {
      fail("cannot start the rollout workers", e);
    }
    return this;
  }

  /** Where a worker takes its work and sends its rollouts: kept to restart it in its place. */
  private record WorkerSlot(int index, ActorRef<Coordinator.Command> coordinator,
      ActorRef<Scorer.Command> scorer) {}

  private void startWorker(WorkerSlot slot) {
    String name = "worker-" + workers++;
    long fixed = jobParts.fixedWeightsVersion(slot.index());
    var replica = jobParts.replica(slot.index());
    var strategy = jobParts.strategy(slot.index());
    // A worker of fixed weights (e.g. an evaluation's model) is at its version from the start;
    // the others get the learner's versions through this node's inbox.
    var worker = spawnPart(fixed >= 0
        ? RolloutWorker.withFixedWeights(replica, strategy, slot.coordinator(), slot.scorer(), fixed)
        : RolloutWorker.create(replica, strategy, slot.coordinator(), slot.scorer()), name,
        PipelineSettings.BLOCKING_DISPATCHER);
    workerSlots.put(name, slot);
    if (fixed < 0) {
      inbox.tell(new WeightsInbox.Register(worker));
    }
  }

  private Behavior<Command> onRestartWorker(RestartWorker r) {
    if (jobParts == null || ending || !parts.contains(r.worker())) {
      return this;
    }
    String name = r.worker().path().name();
    getContext().getLog().warn("restarting stalled {}", name);
    retired.add(name);
    getContext().stop(r.worker());
    try {
      startWorker(workerSlots.get(name));
    } catch (RuntimeException e) {
      fail("cannot restart " + name, e);
    }
    return this;
  }

  private Behavior<Command> onBeginLearning(BeginLearning b) {
    if (jobParts == null || buffer == null) {
      b.replyTo().tell(new JobEvent.JobFailed(node, "BeginLearning before StartLearner"));
      return this;
    }
    try {
      PipelineSettings pipeline = jobParts.pipeline();
      ActorRef<LearnerActor.Finished> done =
          getContext().messageAdapter(LearnerActor.Finished.class, LearnerDone::new);
      LearnerActor.Models models = jobParts.learner();
      if (shard != null) {
        models = models.inGroup(new LearnerGroup(models.trainer(), shard.exchange()));
      }
      learnerRef = spawnPart(LearnerActor.create(models, jobParts.plan(),
          pipeline.isTruncation(), buffer, coordinator,
          new LearnerActor.WeightsTargets(List.of(), b.receivers(), transfer,
              b.bulkAddresses()), done),
          "learner", PipelineSettings.LEARNER_DISPATCHER);
    } catch (RuntimeException e) {
      fail("cannot start learning", e);
    }
    return this;
  }

  private Behavior<Command> onLearnerDone(LearnerDone d) {
    learnerFinished = true;
    try {
      jobParts.finishLearner(d.finished().state());
      driver.tell(new JobEvent.JobFinished(d.finished().version(), d.finished().state().globalStep(),
          d.finished().stalenessHistogram()));
    } catch (RuntimeException e) {
      fail("cannot save the trained policy", e);
    }
    return this;
  }

  private Behavior<Command> onPartStopped(PartStopped p) {
    parts.removeIf(r -> r.path().name().equals(p.name()));
    if (retired.remove(p.name())) {
      return this;
    }
    if (!ending && !("learner".equals(p.name()) && learnerFinished)) {
      // A part stops on its own only when it failed (the learner stops after replying).
      fail(p.name() + " stopped (see this node's log for its failure)", null);
    }
    if (ending && parts.isEmpty()) {
      closeJob();
    }
    return this;
  }

  /** A new job's request while the last job's parts still stop: handled once they have. */
  private Behavior<Command> later(Command request) {
    getContext().scheduleOnce(java.time.Duration.ofMillis(200), getContext().getSelf(), request);
    return this;
  }

  private Behavior<Command> onEndJob() {
    if (jobParts == null) {
      return this;
    }
    ending = true;
    if (parts.isEmpty()) {
      closeJob();
    } else {
      new ArrayList<>(parts).forEach(getContext()::stop);
    }
    return this;
  }

  /** Opens the job's parts on first use; a second job while one runs is refused. */
  /**
   * Opens the job of {@code request} on first use. A request of another job while one runs is
   * retried for {@code beaver.rollout.busy-wait} before it is refused: a coordinator started again after its
   * node was lost may ask before the cluster has downed the old one, whose job this node frees
   * only then.
   */
  private boolean open(Command request, JobSpec spec, ActorRef<Coordinator.Command> jobCoordinator,
      ActorRef<JobEvent> replyTo) {
    if (jobParts != null && !spec.equals(job)) {
      long now = System.nanoTime();
      long since = busySince.computeIfAbsent(request, r -> now);
      if (now - since < busyWait.toNanos()) {
        later(request);
        return false;
      }
      busySince.remove(request);
      replyTo.tell(new JobEvent.JobFailed(node, "this node already runs another job"));
      return false;
    }
    busySince.remove(request);
    if (jobParts == null && jobCoordinator != null) {
      getContext().watchWith(jobCoordinator, new CoordinatorGone());
      watchedCoordinator = jobCoordinator;
    }
    return open(spec, replyTo);
  }

  private boolean open(JobSpec spec, ActorRef<JobEvent> replyTo) {
    driver = replyTo;
    if (jobParts == null) {
      try {
        jobParts = factory.open(spec);
        job = spec;
        ending = false;
      } catch (RuntimeException e) {
        replyTo.tell(new JobEvent.JobFailed(node, "cannot open the job: " + e.getMessage()));
        getContext().getLog().error("cannot open job {}", spec.command(), e);
        return false;
      }
    }
    return true;
  }

  private <T> ActorRef<T> spawnPart(Behavior<T> behavior, String name, String dispatcher) {
    // Instrumented for the dashboard and /metrics (dev.beaver.actors.monitor).
    ActorRef<T> ref = getContext().spawn(Monitoring.instrument(behavior), name,
        Monitoring.props(getContext().getSystem(), dispatcher));
    getContext().watchWith(ref, new PartStopped(name));
    parts.add(ref);
    return ref;
  }

  private void fail(String what, RuntimeException e) {
    String reason = e == null ? what : what + ": " + e.getMessage();
    if (e != null) {
      getContext().getLog().error(what, e);
    }
    if (driver != null) {
      driver.tell(new JobEvent.JobFailed(node, reason));
    }
  }

  private void closeJob() {
    if (watchedCoordinator != null) {
      getContext().unwatch(watchedCoordinator);
      watchedCoordinator = null;
    }
    inbox.tell(new WeightsInbox.Reset());
    closeShardStep();
    jobParts.close();
    jobParts = null;
    job = null;
    buffer = null;
    coordinator = null;
    learnerRef = null;
    learnerFinished = false;
    retired.clear();
    workerSlots.clear();
    ending = false;
    scorers = 0;
    workers = 0;
  }

  private void closeShardStep() {
    if (shardStep != null) {
      shardStep.close();
    }
    shardStep = null;
    shard = null;
  }

  private Behavior<Command> onPostStop() {
    closeShardStep();
    if (jobParts != null) {
      jobParts.close();
    }
    return this;
  }
}
