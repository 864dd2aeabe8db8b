package dev.beaver.app.arena;

import dev.beaver.actors.Role;
import dev.beaver.learner.rl.Experience;
import dev.beaver.rollout.Coordinator;
import dev.beaver.rollout.ExperienceBuffer;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.RolloutWorker;
import dev.beaver.rollout.RunPlan;
import dev.beaver.rollout.Scorer;
import dev.beaver.rollout.cluster.JobEvent;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The arena's generation and scoring on the rollout pipeline's actors, driven like an RL job:
 * the node agents ({@link NodeAgent}) of the cluster's scorer and rollout nodes build the parts
 * from the job's {@link ArenaJob} spec — in one JVM that is this node's own agent, with
 * {@code --seed_nodes} the cluster's nodes, so a running cluster speeds it up. Each corner gets
 * its own {@link Coordinator} here (work pulling over the corner's prompt batches) and {@code
 * workersPerNode} {@link RolloutWorker}s on every rollout node, each with its own replica of the
 * corner's model, sampling with {@link RolloutStrategy#sampling()} at fixed weights: red's at
 * version {@link ArenaScorer#RED}, blue's at {@link ArenaScorer#BLUE}, which tells the scorer
 * (reward and cost models, {@link ArenaScorer}) whose rollout it scores. The scorer feeds one
 * {@link ExperienceBuffer} here.
 *
 * <p>Rounds: prompt batch {@code k} is round {@code 2k} for red and {@code 2k + 1} for blue (one
 * micro-batch each), so the buffer keys them apart and this actor takes them in order (red k,
 * blue k, red k+1, ...), playing the learner's part: after each round it tells the corner's
 * coordinator the round is consumed ({@link Coordinator.LearnerAdvanced}), which frees admission.
 * No policy changes, so the staleness bound is unlimited and admission is bounded by
 * {@link #ADMITTED_PER_WORKER} micro-batches per worker. A lost rollout node's work is
 * dispatched again by the coordinators; a lost scorer node ends the arena.
 *
 * <p>Reproducible: a micro-batch's samples depend only on its prompts and its sampling parameters
 * (seeded per row), never on which worker or node generates it. The behaviour completes {@code
 * result} with one {@link Experience} per round (index = round) and stops; if any part fails it
 * completes it exceptionally.
 */
final class ArenaPipeline {
  private ArenaPipeline() {}

  /** Micro-batches a corner may have admitted and not yet taken, per worker. */
  static final int ADMITTED_PER_WORKER = 2;

  sealed interface Command {}

  private record Listed(Role role, Set<ActorRef<NodeAgent.Command>> agents)
      implements Command, NoSerializationVerificationNeeded {}

  private record Event(JobEvent event) implements Command, NoSerializationVerificationNeeded {}

  private record Taken(ExperienceBuffer.RoundReady ready)
      implements Command, NoSerializationVerificationNeeded {}

  private record AgentLost(ActorRef<NodeAgent.Command> agent, Role role)
      implements Command, NoSerializationVerificationNeeded {}

  private enum WaitTimeout implements Command, NoSerializationVerificationNeeded { INSTANCE }

  /** How the arena uses the cluster: rollout nodes, workers per corner on each, the wait. */
  record Layout(int rolloutNodes, int workersPerNode, Duration waitForNodes) {}

  static Behavior<Command> create(JobSpec job, RunPlan red, RunPlan blue, Layout layout,
      CompletableFuture<List<Experience>> result) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(WaitTimeout.INSTANCE, layout.waitForNodes());
      return new Driver(ctx, job, red, blue, layout, result).behavior();
    }));
  }

  private static final class Driver {
    private final ActorContext<Command> ctx;
    private final JobSpec job;
    private final Layout layout;
    private final CompletableFuture<List<Experience>> result;
    private final ActorRef<JobEvent> events;
    private final ActorRef<ExperienceBuffer.Command> buffer;
    private final List<ActorRef<Coordinator.Command>> coordinators;
    private final int rounds;
    private final List<Experience> taken = new ArrayList<>();
    private final Set<ActorRef<NodeAgent.Command>> used = new LinkedHashSet<>();
    private List<ActorRef<NodeAgent.Command>> scorerAgents = List.of();
    private List<ActorRef<NodeAgent.Command>> rolloutAgents = List.of();
    private boolean started;

    Driver(ActorContext<Command> ctx, JobSpec job, RunPlan red, RunPlan blue, Layout layout,
        CompletableFuture<List<Experience>> result) {
      this.ctx = ctx;
      this.job = job;
      this.layout = layout;
      this.result = result;
      this.events = ctx.messageAdapter(JobEvent.class, Event::new);
      int workers = layout.rolloutNodes() * layout.workersPerNode();
      int capacity = ADMITTED_PER_WORKER * workers;
      buffer = ctx.spawn(ExperienceBuffer.create(2 * capacity), "buffer");
      ctx.watch(buffer);
      // The weights never change: any staleness is admissible.
      PipelineSettings settings = new PipelineSettings(Integer.MAX_VALUE, capacity, workers);
      coordinators = List.of(
          ctx.spawn(Coordinator.create(settings, red), "red-coordinator"),
          ctx.spawn(Coordinator.create(settings, blue), "blue-coordinator"));
      coordinators.forEach(ctx::watch);
      rounds = red.rounds().size() + blue.rounds().size();
      ActorRef<Receptionist.Listing> listings =
          ctx.messageAdapter(Receptionist.Listing.class, Driver::listed);
      for (Role role : List.of(Role.SCORER, Role.ROLLOUT)) {
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeAgent.key(role),
            listings));
      }
    }

    @SuppressWarnings("unchecked")
    private static Listed listed(Receptionist.Listing l) {
      Role role = l.isForKey(NodeAgent.key(Role.SCORER)) ? Role.SCORER : Role.ROLLOUT;
      return new Listed(role, l.getServiceInstances(NodeAgent.key(role)));
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Listed.class, this::onListed)
          .onMessage(Event.class, this::onEvent)
          .onMessage(Taken.class, this::onTaken)
          .onMessage(AgentLost.class, this::onAgentLost)
          .onMessageEquals(WaitTimeout.INSTANCE, () -> started ? Behaviors.same()
              : fail("the nodes did not join within " + layout.waitForNodes().toSeconds()
                  + " s: have 1 scorer and " + layout.rolloutNodes() + " rollout node(s) join"
                  + " with the same --seed_nodes"))
          .onSignal(Terminated.class, t -> fail("arena actor " + t.getRef().path().name()
              + " stopped (see the log)"))
          .build();
    }

    private Behavior<Command> onListed(Listed l) {
      List<ActorRef<NodeAgent.Command>> agents = new ArrayList<>(l.agents());
      agents.sort(Comparator.comparing(a -> a.path().toString()));
      if (l.role() == Role.SCORER) {
        scorerAgents = agents;
      } else {
        rolloutAgents = agents;
      }
      if (!started && !scorerAgents.isEmpty()
          && rolloutAgents.size() >= layout.rolloutNodes()) {
        started = true;
        ActorRef<NodeAgent.Command> scorer = scorerAgents.get(0);
        use(scorer, Role.SCORER);
        scorer.tell(new NodeAgent.StartScorer(job, buffer, coordinators.get(0), events));
      }
      return Behaviors.same();
    }

    private void use(ActorRef<NodeAgent.Command> agent, Role role) {
      if (used.add(agent)) {
        ctx.watchWith(agent, new AgentLost(agent, role));
      }
    }

    private Behavior<Command> onEvent(Event e) {
      if (e.event() instanceof JobEvent.ScorerReady r) {
        coordinators.forEach(c -> c.tell(new Coordinator.AddScorer(r.scorer())));
        int w = layout.workersPerNode();
        for (int i = 0; i < layout.rolloutNodes(); i++) {
          ActorRef<NodeAgent.Command> agent = rolloutAgents.get(i);
          use(agent, Role.ROLLOUT);
          agent.tell(new NodeAgent.StartWorkers(job, i * w, w, coordinators.get(0), r.scorer(),
              events));
          agent.tell(new NodeAgent.StartWorkers(job, ArenaJob.BLUE_WORKERS + i * w, w,
              coordinators.get(1), r.scorer(), events));
        }
        buffer.tell(new ExperienceBuffer.TakeRound(0, 1,
            ctx.messageAdapter(ExperienceBuffer.RoundReady.class, Taken::new)));
      } else if (e.event() instanceof JobEvent.JobFailed f) {
        return fail(f.node() + ": " + f.reason());
      }
      return Behaviors.same();
    }

    private Behavior<Command> onTaken(Taken t) {
      taken.add(t.ready().experiences().get(0));
      if (taken.size() == rounds) {
        endJob();
        result.complete(List.copyOf(taken));
        return Behaviors.stopped();
      }
      coordinators.get(t.ready().round() % 2).tell(new Coordinator.LearnerAdvanced(0, 1));
      buffer.tell(new ExperienceBuffer.TakeRound(taken.size(), 1,
          ctx.messageAdapter(ExperienceBuffer.RoundReady.class, Taken::new)));
      return Behaviors.same();
    }

    private Behavior<Command> onAgentLost(AgentLost a) {
      used.remove(a.agent());
      if (a.role() == Role.SCORER) {
        return fail("the scorer node " + a.agent().path().address() + " was lost");
      }
      // The coordinators watch the workers and dispatch the lost node's work again.
      ctx.getLog().warn("arena: rollout node {} lost; its work is dispatched again",
          a.agent().path().address());
      return Behaviors.same();
    }

    private Behavior<Command> fail(String why) {
      endJob();
      result.completeExceptionally(new IllegalStateException("the arena failed: " + why));
      return Behaviors.stopped();
    }

    private void endJob() {
      for (ActorRef<NodeAgent.Command> a : used) {
        ctx.unwatch(a);
        a.tell(new NodeAgent.EndJob());
      }
      used.clear();
    }
  }
}
