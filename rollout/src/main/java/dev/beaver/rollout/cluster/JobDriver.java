package dev.beaver.rollout.cluster;

import dev.beaver.actors.Role;
import dev.beaver.actors.monitor.Monitoring;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.rollout.Coordinator;
import dev.beaver.rollout.ExperienceBuffer;
import dev.beaver.rollout.Scorer;
import dev.beaver.rollout.shard.ShardEndpoint;
import dev.beaver.rollout.shard.ShardExchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * Runs one job on the cluster from the coordinator node. It waits until the agents of the
 * expected nodes have registered ({@link NodeAgent#key}), starts the coordinator here, then in
 * order: the learner (which owns the experience buffer), the scorers, the rollout workers (each
 * rollout node is given a scorer, round robin), and finally tells the learner to begin: it
 * publishes version 0 through the chunked transfer and no worker takes work before it has those
 * weights. Rollout and scorer nodes may come and go while the job runs: the coordinator
 * dispatches a lost node's work again, a joining scorer gets work routed to it, a joining rollout
 * node gets the current weights before its workers take work, and a worker the coordinator finds
 * stalled is restarted by its node. It replies one {@link Outcome} and stops: when the learner
 * finished, when the learner's node is lost or any part fails, or when the nodes did not come
 * within the wait.
 */
public final class JobDriver extends AbstractBehavior<JobDriver.Command> {
  public sealed interface Command {}

  /** The end of the job: {@code finished} non-null on success, else {@code error} says why. */
  public record Outcome(JobEvent.JobFinished finished, String error)
      implements NoSerializationVerificationNeeded {
    public boolean ok() {
      return finished != null;
    }
  }

  /**
   * @param rolloutNodes rollout nodes to use
   * @param scorerNodes scorer nodes to use
   * @param workersPerNode workers started on each rollout node
   * @param waitForNodes how long to wait for the nodes to join
   */
  public record Layout(int rolloutNodes, int scorerNodes, int workersPerNode,
      Duration waitForNodes, Duration workerTimeout, int learnerNodes) {
    /** A layout without worker health checks. */
    public Layout(int rolloutNodes, int scorerNodes, int workersPerNode, Duration waitForNodes) {
      this(rolloutNodes, scorerNodes, workersPerNode, waitForNodes, Duration.ZERO);
    }

    /** A layout with one learner node. */
    public Layout(int rolloutNodes, int scorerNodes, int workersPerNode, Duration waitForNodes,
        Duration workerTimeout) {
      this(rolloutNodes, scorerNodes, workersPerNode, waitForNodes, workerTimeout, 1);
    }

    public Layout {
      if (rolloutNodes < 1 || scorerNodes < 1 || workersPerNode < 1 || learnerNodes < 1) {
        throw new IllegalArgumentException("a job needs at least one learner node, one rollout"
            + " node, one scorer node and one worker per rollout node");
      }
    }
  }

  private record Listed(Role role, Set<ActorRef<NodeAgent.Command>> agents)
      implements Command, NoSerializationVerificationNeeded {}

  private record Event(JobEvent event) implements Command, NoSerializationVerificationNeeded {}

  private record AgentLost(ActorRef<NodeAgent.Command> agent)
      implements Command, NoSerializationVerificationNeeded {}

  private record Stalled(Coordinator.WorkerStalled stalled)
      implements Command, NoSerializationVerificationNeeded {}

  private enum WaitTimeout implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private enum Recheck implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** Restarts from a checkpoint after learner losses, at most. */
  static final int MAX_RESTARTS = 3;

  private enum Stage { WAITING, LEARNER, SCORERS, WORKERS, RUNNING }

  private final TimerScheduler<Command> timers;
  private JobSpec job;
  private int startRound;
  private int restarts;
  private final JobParts parts;
  private final Layout layout;
  private final ActorRef<Outcome> replyTo;
  private final ActorRef<JobEvent> events;
  private final Map<Role, List<ActorRef<NodeAgent.Command>>> listed = new EnumMap<>(Role.class);
  private final Set<ActorRef<NodeAgent.Command>> used = new LinkedHashSet<>();
  private final Set<ActorRef<NodeAgent.Command>> lost = new java.util.HashSet<>();
  private final Map<ActorRef<NodeAgent.Command>, Role> roleOf = new java.util.HashMap<>();
  private final List<ActorRef<Scorer.Command>> scorers = new ArrayList<>();
  private final List<ActorRef<ChunkedPayload.Inbound>> receivers = new ArrayList<>();
  /** The bulk server of each receiver's node ({@code host:port} or empty), as {@code receivers}. */
  private final List<String> bulkAddresses = new ArrayList<>();
  private Stage stage = Stage.WAITING;
  private ActorRef<Coordinator.Command> coordinator;
  /** The leader of the learner group (the only learner when K = 1). */
  private ActorRef<NodeAgent.Command> learner;
  private List<ActorRef<NodeAgent.Command>> chosenLearners = List.of();
  private final Map<Integer, JobEvent.LearnerReady> learnersReady = new java.util.TreeMap<>();
  private ActorRef<ExperienceBuffer.Command> buffer;
  private int rolloutNodesReady;
  private int workerIndex;
  private List<ActorRef<NodeAgent.Command>> chosenScorers = List.of();
  private List<ActorRef<NodeAgent.Command>> chosenRollouts = List.of();

  /**
   * @param parts the coordinator's parts of the job ({@link JobParts#plan()} and
   *     {@link JobParts#pipeline()} are used here)
   */
  public static Behavior<Command> create(JobSpec job, JobParts parts, Layout layout,
      ActorRef<Outcome> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new JobDriver(ctx, timers, job, parts, layout, replyTo)));
  }

  private JobDriver(ActorContext<Command> ctx, TimerScheduler<Command> timers, JobSpec job,
      JobParts parts, Layout layout, ActorRef<Outcome> replyTo) {
    super(ctx);
    this.job = job;
    this.parts = parts;
    this.startRound = parts.plan().startRound(parts.resumeState());
    this.timers = timers;
    this.layout = layout;
    this.replyTo = replyTo;
    this.events = ctx.messageAdapter(JobEvent.class, Event::new);
    // One adapter per message class: the listing's key says which role it lists.
    ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
        JobDriver::listed);
    for (Role role : List.of(Role.LEARNER, Role.SCORER, Role.ROLLOUT)) {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeAgent.key(role), adapter));
    }
    timers.startSingleTimer(WaitTimeout.INSTANCE, layout.waitForNodes());
    ctx.getLog().info("job {}: waiting for {} learner, {} scorer and {} rollout node(s)",
        job.command(), layout.learnerNodes(), layout.scorerNodes(), layout.rolloutNodes());
  }

  @SuppressWarnings("unchecked")
  private static Listed listed(Receptionist.Listing l) {
    for (Role role : List.of(Role.LEARNER, Role.SCORER, Role.ROLLOUT)) {
      if (l.isForKey(NodeAgent.key(role))) {
        return new Listed(role, l.getServiceInstances(NodeAgent.key(role)));
      }
    }
    throw new IllegalStateException("unexpected listing " + l.getKey());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Listed.class, this::onListed)
        .onMessage(Event.class, this::onEvent)
        .onMessage(AgentLost.class, this::onAgentLost)
        .onMessage(Stalled.class, this::onStalled)
        .onMessageEquals(WaitTimeout.INSTANCE, this::onWaitTimeout)
        .onMessageEquals(Recheck.INSTANCE, this::onRecheck)
        .build();
  }

  private Behavior<Command> onListed(Listed l) {
    List<ActorRef<NodeAgent.Command>> agents = new ArrayList<>(l.agents());
    agents.sort(Comparator.comparing(a -> a.path().toString()));
    listed.put(l.role(), agents);
    if (stage == Stage.RUNNING) {
      joinRunning(l.role(), agents);
      return this;
    }
    if (stage == Stage.WAITING && nodesThere()) {
      start();
    }
    return this;
  }

  private boolean nodesThere() {
    return count(Role.LEARNER) >= layout.learnerNodes()
        && count(Role.SCORER) >= layout.scorerNodes()
        && count(Role.ROLLOUT) >= layout.rolloutNodes();
  }

  private int count(Role role) {
    return live(role).size();
  }

  /** The listed agents of {@code role} not seen lost (a listing may lag behind death watch). */
  private List<ActorRef<NodeAgent.Command>> live(Role role) {
    List<ActorRef<NodeAgent.Command>> out = new ArrayList<>(listed.getOrDefault(role, List.of()));
    out.removeAll(lost);
    return out;
  }

  private Behavior<Command> onWaitTimeout() {
    if (stage != Stage.WAITING) {
      return this;
    }
    return finish(null, "the nodes did not join within " + layout.waitForNodes().toSeconds()
        + " s: have " + layout.learnerNodes() + " learner, " + layout.scorerNodes()
        + " scorer and " + layout.rolloutNodes()
        + " rollout node(s) join with the same --seed_nodes (found " + count(Role.LEARNER)
        + " learner, " + count(Role.SCORER) + " scorer, " + count(Role.ROLLOUT) + " rollout)");
  }

  /** Nodes that join a running job take part: scorers get work routed, rollout nodes weights. */
  private void joinRunning(Role role, List<ActorRef<NodeAgent.Command>> agents) {
    for (ActorRef<NodeAgent.Command> agent : agents) {
      if (used.contains(agent) || lost.contains(agent) || role == Role.LEARNER) {
        continue;
      }
      use(agent, role);
      getContext().getLog().info("job {}: {} node {} joined", job.command(), role.id(),
          agent.path().address());
      if (role == Role.SCORER) {
        agent.tell(new NodeAgent.StartScorer(job, buffer, coordinator, events));
      } else {
        agent.tell(new NodeAgent.StartWorkers(job, workerIndex, layout.workersPerNode(),
            coordinator, scorers.get(0), events));
        workerIndex += layout.workersPerNode();
      }
    }
  }

  private Behavior<Command> onAgentLost(AgentLost a) {
    lost.add(a.agent());
    Role role = roleOf.remove(a.agent());
    used.remove(a.agent());
    String node = a.agent().path().address().toString();
    if (role == null) {
      return this; // not part of the job (any more)
    }
    if (role == Role.LEARNER && stage != Stage.WAITING) {
      return restartFromCheckpoint(node);
    }
    if (role == Role.LEARNER || stage != Stage.RUNNING) {
      return finish(null, "node lost: " + node);
    }
    long left = roleOf.values().stream().filter(r -> r == role).count();
    getContext().getLog().warn("job {}: {} node {} lost; {} left", job.command(), role.id(),
        node, left);
    if (left == 0) {
      // The coordinator keeps the lost node's work; a node of this role that joins resumes it.
      getContext().getLog().warn("job {}: no {} node left; waiting for one to join",
          job.command(), role.id());
    }
    return this;
  }

  /**
   * The learner's node is lost: end the job's parts on every node, then run the job again from
   * its newest checkpoint (step counter, optimizer state, λ and its window continue) as soon as a
   * learner node is there: another one, or the lost one started again.
   */
  private Behavior<Command> restartFromCheckpoint(String lostNode) {
    java.nio.file.Path checkpoint = parts.latestCheckpoint();
    if (++restarts > MAX_RESTARTS) {
      return finish(null, "the learner's node was lost " + restarts + " times (last "
          + lostNode + ")" + (checkpoint == null ? "" : "; run the job again with"
              + " --resume_from_checkpoint " + checkpoint));
    }
    for (ActorRef<NodeAgent.Command> a : used) {
      getContext().unwatch(a);
      a.tell(new NodeAgent.EndJob());
    }
    getContext().stop(coordinator);
    used.clear();
    roleOf.clear();
    scorers.clear();
    receivers.clear();
    bulkAddresses.clear();
    learnersReady.clear();
    rolloutNodesReady = 0;
    workerIndex = 0;
    List<String> args = new ArrayList<>();
    for (int i = 0; i < job.args().size(); i++) {
      String a = job.args().get(i);
      if (a.equals("--resume_from_checkpoint")) {
        i++;
      } else if (!a.startsWith("--resume_from_checkpoint=")) {
        args.add(a);
      }
    }
    startRound = 0;
    if (checkpoint != null) {
      args.add("--resume_from_checkpoint");
      args.add(checkpoint.toString());
      startRound = parts.plan().startRound(
          dev.beaver.learner.checkpoint.Checkpoints.readState(checkpoint));
    }
    job = new JobSpec(job.command(), args);
    stage = Stage.WAITING;
    getContext().getLog().warn("job {}: the learner's node {} was lost; restarting from {} once a"
        + " learner node is there", job.command(), lostNode,
        checkpoint == null ? "the start (no checkpoint yet)" : checkpoint);
    // The agents free the old parts first; then the listings decide (they may be complete now).
    getContext().scheduleOnce(Duration.ofSeconds(2), getContext().getSelf(), Recheck.INSTANCE);
    timers.startSingleTimer(WaitTimeout.INSTANCE, layout.waitForNodes());
    return this;
  }

  private Behavior<Command> onRecheck() {
    if (stage == Stage.WAITING && nodesThere()) {
      start();
    }
    return this;
  }

  private Behavior<Command> onStalled(Stalled s) {
    var address = s.stalled().worker().path().address();
    for (ActorRef<NodeAgent.Command> agent : used) {
      if (roleOf.get(agent) == Role.ROLLOUT && agent.path().address().equals(address)) {
        agent.tell(new NodeAgent.RestartWorker(s.stalled().worker()));
      }
    }
    return this;
  }

  private void start() {
    ActorRef<Coordinator.WorkerStalled> stalled =
        getContext().messageAdapter(Coordinator.WorkerStalled.class, Stalled::new);
    coordinator = getContext().spawn(Monitoring.instrument(Coordinator.create(parts.pipeline(),
        parts.plan(), startRound, List.of(),
        layout.workerTimeout(), stalled)), "coordinator-" + restarts,
        Monitoring.props(getContext().getSystem(), null));
    // The nodes of the job, chosen now: the listings may change while the parts start.
    chosenLearners = List.copyOf(live(Role.LEARNER).subList(0, layout.learnerNodes()));
    chosenScorers = List.copyOf(live(Role.SCORER).subList(0, layout.scorerNodes()));
    chosenRollouts = List.copyOf(live(Role.ROLLOUT).subList(0, layout.rolloutNodes()));
    learner = chosenLearners.get(0);
    stage = Stage.LEARNER;
    int k = chosenLearners.size();
    // Names of this attempt's shard endpoints: unique on each node across jobs and restarts.
    long groupId = System.currentTimeMillis() * 8 + restarts;
    for (int rank = 0; rank < k; rank++) {
      ActorRef<NodeAgent.Command> agent = chosenLearners.get(rank);
      use(agent, Role.LEARNER);
      getContext().getLog().info("job {}: starting learner shard {} of {} on {}", job.command(),
          rank, k, nodeOf(agent));
      agent.tell(new NodeAgent.StartLearner(job, coordinator, events, rank, k, groupId));
    }
  }

  /** Every shard is loaded: introduce the group's endpoints to each other (K &gt; 1). */
  private void connectLearnerGroup() {
    if (learnersReady.size() == 1) {
      return;
    }
    List<ShardEndpoint> endpoints = learnersReady.values().stream()
        .map(r -> new ShardEndpoint(r.rank(), r.exchange(), r.receiver())).toList();
    ShardExchange.Peers peers = ShardEndpoint.peers(endpoints);
    endpoints.forEach(e -> e.exchange().tell(peers));
  }

  private void use(ActorRef<NodeAgent.Command> agent, Role role) {
    if (used.add(agent)) {
      roleOf.put(agent, role);
      getContext().watchWith(agent, new AgentLost(agent));
    }
  }

  private Behavior<Command> onEvent(Event e) {
    JobEvent ev = e.event();
    if (ev instanceof JobEvent.LearnerReady r) {
      if (stage != Stage.LEARNER) {
        return this; // a shard of an attempt given up (restart)
      }
      learnersReady.put(r.rank(), r);
      if (r.rank() == 0) {
        buffer = r.buffer();
      }
      if (learnersReady.size() < chosenLearners.size()) {
        return this;
      }
      connectLearnerGroup();
      stage = Stage.SCORERS;
      for (int i = 0; i < layout.scorerNodes(); i++) {
        var agent = chosenScorers.get(i);
        use(agent, Role.SCORER);
        agent.tell(new NodeAgent.StartScorer(job, buffer, coordinator, events));
      }
    } else if (ev instanceof JobEvent.ScorerReady r) {
      scorers.add(r.scorer());
      coordinator.tell(new Coordinator.AddScorer(r.scorer()));
      if (stage == Stage.SCORERS && scorers.size() == layout.scorerNodes()) {
        stage = Stage.WORKERS;
        for (int i = 0; i < layout.rolloutNodes(); i++) {
          var agent = chosenRollouts.get(i);
          use(agent, Role.ROLLOUT);
          agent.tell(new NodeAgent.StartWorkers(job, workerIndex, layout.workersPerNode(),
              coordinator, scorers.get(i % scorers.size()), events));
          workerIndex += layout.workersPerNode();
        }
      }
    } else if (ev instanceof JobEvent.WorkersReady r) {
      if (!receivers.contains(r.weights())) {
        receivers.add(r.weights());
        bulkAddresses.add(r.bulk() == null ? "" : r.bulk());
      }
      if (stage == Stage.RUNNING) {
        learner.tell(new NodeAgent.AddWeightsReceiver(r.weights(), r.bulk()));
      } else if (++rolloutNodesReady == layout.rolloutNodes()) {
        stage = Stage.RUNNING;
        getContext().getLog().info("job {}: {} worker(s) on {} node(s) ready; training",
            job.command(), layout.rolloutNodes() * layout.workersPerNode(),
            layout.rolloutNodes());
        learner.tell(new NodeAgent.BeginLearning(receivers, bulkAddresses, events));
      }
    } else if (ev instanceof JobEvent.JobFinished f) {
      return finish(f, null);
    } else if (ev instanceof JobEvent.JobFailed f) {
      if (layout.learnerNodes() > 1 && stage == Stage.RUNNING && isLearnerNode(f.node())) {
        // A shard fails when a peer's node is lost (its exchange sees the peer go), often
        // before this driver sees the node lost: the group restarts from its checkpoint.
        return restartFromCheckpoint(f.node() + " (" + f.reason() + ")");
      }
      return finish(null, f.node() + ": " + f.reason());
    }
    return this;
  }

  /** Whether {@code node} (a system address as agents report it) is one of the learners'. */
  private boolean isLearnerNode(String node) {
    return chosenLearners.stream().anyMatch(a -> nodeOf(a).equals(node));
  }

  /** The full address of {@code ref}'s node (a local reference's path has no host and port). */
  private String nodeOf(ActorRef<?> ref) {
    var address = ref.path().address();
    return (address.hasLocalScope() ? getContext().getSystem().address() : address).toString();
  }

  private Behavior<Command> finish(JobEvent.JobFinished finished, String error) {
    for (ActorRef<NodeAgent.Command> a : used) {
      getContext().unwatch(a);
      a.tell(new NodeAgent.EndJob());
    }
    if (error != null) {
      getContext().getLog().error("job {} failed: {}", job.command(), error);
    }
    replyTo.tell(new Outcome(finished, error));
    return Behaviors.stopped();
  }
}
