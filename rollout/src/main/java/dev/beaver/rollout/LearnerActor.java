package dev.beaver.rollout;

import ai.djl.ndarray.NDManager;
import dev.beaver.actors.monitor.Monitoring;
import dev.beaver.actors.transfer.Broadcast;
import dev.beaver.actors.transfer.BulkSender;
import dev.beaver.actors.transfer.ChunkSender;
import dev.beaver.actors.transfer.ChunkedPayload;
import dev.beaver.actors.transfer.TransferSettings;
import dev.beaver.learner.checkpoint.TrainerState;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.ExperienceMaker;
import dev.beaver.learner.rl.MaskedForward;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.nn.HostTensor;
import dev.beaver.rollout.shard.LearnerGroup;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the actor, the critics, their optimizers and λ through the in-process {@link RlTrainer}
 * (one JVM, one learner shard). It publishes version 0 to the workers, then per round: takes the
 * round's scored micro-batches from the buffer, adds critic values of the current critics,
 * trains on them with {@link RlTrainer#trainBatch} (exactly the in-process order), bumps the
 * version, publishes the new policy as host tensors and tells the coordinator. Runs on a pinned
 * dispatcher (DJL's autograd state is per thread).
 *
 * <p>Stale samples (generated at version w &lt; r, the consuming version) get the decoupled PPO
 * correction: the proximal policy π_prox is the learner's policy at the start of round r; the
 * clipped ratio is taken against it, ρ_t = π_θ / π_prox, and the advantage is weighted by the
 * truncated importance weight w_t = min(π_prox(a_t) / π_behaviour(a_t), c):
 * L = −mean_t w_t · min(ρ_t A_t, clip(ρ_t, 1 ± ε) A_t) (w_t ≥ 0, so weighting A_t is the same).
 * π_prox also replaces π_behaviour in the KL penalty of the shaped rewards. Fresh samples
 * (w = r) are left untouched, so {@code max_staleness 0} is exactly the in-process trainer.
 */
public final class LearnerActor extends AbstractBehavior<LearnerActor.Command> {
  public sealed interface Command {}

  private record WrappedRoundReady(ExperienceBuffer.RoundReady ready)
      implements Command, NoSerializationVerificationNeeded {}

  private record WrappedTransfer(ChunkSender.Result result)
      implements Command, NoSerializationVerificationNeeded {}

  private record WrappedBroadcast(Broadcast.Result result)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * A rollout node joined: send it the current version now, and every later one ({@code bulk}:
   * its bulk data plane server, or empty).
   */
  public record AddReceiver(ActorRef<ChunkedPayload.Inbound> receiver, String bulk)
      implements Command, NoSerializationVerificationNeeded {}

  /** A bulk send of {@code version} ended; {@code failure} null when every receiver has it. */
  private record BulkSent(long version, ByteBuffer payload,
      List<ActorRef<ChunkedPayload.Inbound>> to, Throwable failure)
      implements Command, NoSerializationVerificationNeeded {}

  private enum AlreadyDone implements Command, NoSerializationVerificationNeeded { INSTANCE }

  private record ReceiverTerminated(ActorRef<ChunkedPayload.Inbound> receiver)
      implements Command, NoSerializationVerificationNeeded {}

  /**
   * Where new policy versions go: workers in this JVM get the host tensors in a message; other
   * nodes' {@code /user/chunks-weights} receivers get them encoded ({@link WeightsCodec}) through
   * the chunked transfer, once per node (the node's {@link WeightsInbox} fans them out).
   */
  public record WeightsTargets(List<ActorRef<RolloutWorker.Command>> localWorkers,
      List<ActorRef<ChunkedPayload.Inbound>> receivers, TransferSettings transfer,
      List<String> bulkAddresses) {
    /**
     * @param bulkAddresses the bulk data plane server of each receiver's node ({@code host:port},
     *     or empty for none), in the order of {@code receivers}
     */
    public WeightsTargets {
      localWorkers = List.copyOf(localWorkers);
      receivers = List.copyOf(receivers);
      bulkAddresses = List.copyOf(bulkAddresses);
      if (bulkAddresses.size() != receivers.size()) {
        throw new IllegalArgumentException("one bulk address (or \"\") per receiver");
      }
    }

    /** Receivers reached through the chunked transfer over Artery only. */
    public WeightsTargets(List<ActorRef<RolloutWorker.Command>> localWorkers,
        List<ActorRef<ChunkedPayload.Inbound>> receivers, TransferSettings transfer) {
      this(localWorkers, receivers, transfer, receivers.stream().map(r -> "").toList());
    }

    /** Workers in this JVM only. */
    public static WeightsTargets local(List<ActorRef<RolloutWorker.Command>> workers) {
      return new WeightsTargets(workers, List.of(), null);
    }
  }

  /**
   * The run is over: the trainer's final state, the last published version, and how many samples
   * (rows) it trained on at each staleness (consuming version − generating version).
   *
   * @param stalenessHistogram element s: the number of rows of staleness s
   */
  public record Finished(TrainerState state, long version, long[] stalenessHistogram)
      implements NoSerializationVerificationNeeded {
    /** The largest staleness of any sample trained on. */
    public long maxStaleness() {
      return stalenessHistogram.length - 1;
    }
  }

  /**
   * The learner's models; {@code costCritic} null unless PPO-Lag; {@code evalPrompts} the
   * evaluation prompt batches of {@code --need_eval} (evaluated by the trainer), or null;
   * {@code resume} the checkpoint the run continues from (models already loaded from it), or null;
   * {@code group} the learner group {@code trainer} leads (rank 0), or null for a learner on its
   * own.
   */
  public record Models(RlTrainer trainer, CausalLm actor, ScoreModel rewardCritic,
      ScoreModel costCritic, List<List<int[]>> evalPrompts, java.nio.file.Path resume,
      LearnerGroup group) {
    public Models(RlTrainer trainer, CausalLm actor, ScoreModel rewardCritic,
        ScoreModel costCritic) {
      this(trainer, actor, rewardCritic, costCritic, null, null, null);
    }

    public Models(RlTrainer trainer, CausalLm actor, ScoreModel rewardCritic,
        ScoreModel costCritic, List<List<int[]>> evalPrompts, java.nio.file.Path resume) {
      this(trainer, actor, rewardCritic, costCritic, evalPrompts, resume, null);
    }

    /** These models, trained as the leader of {@code group} (whose leader is this trainer). */
    public Models inGroup(LearnerGroup group) {
      if (group.leader() != trainer) {
        throw new IllegalArgumentException("the group is led by another trainer");
      }
      return new Models(trainer, actor, rewardCritic, costCritic, evalPrompts, resume, group);
    }
  }

  private final Models models;
  private final RunPlan plan;
  private final ActorRef<ExperienceBuffer.Command> buffer;
  private final ActorRef<Coordinator.Command> coordinator;
  private final WeightsTargets targets;
  private final List<ActorRef<ChunkedPayload.Inbound>> receivers = new ArrayList<>();
  private final Map<ActorRef<ChunkedPayload.Inbound>, String> bulk = new java.util.HashMap<>();
  private java.util.concurrent.ExecutorService bulkExecutor;
  /** How long a bulk transfer may wait on a connect or a read before it fails. */
  private static final java.time.Duration BULK_TIMEOUT = java.time.Duration.ofSeconds(120);
  private Map<String, HostTensor> published;
  private final ActorRef<ChunkSender.Result> transferAdapter;
  private final ActorRef<Broadcast.Result> broadcastAdapter;
  // Receivers remember transfer ids (duplicates of a completed transfer are acknowledged, not
  // delivered), so ids must not repeat across learners and jobs on the same nodes.
  private long transferIds = System.currentTimeMillis() << 20;
  private final long startMillis = System.currentTimeMillis();
  private final ActorRef<Finished> replyTo;
  private final ActorRef<ExperienceBuffer.RoundReady> roundAdapter;
  private final NDManager manager;
  private final double isTruncation;
  private long version;
  private long waitStart;
  private long[] stalenessHistogram = new long[1];

  /** @param isTruncation c of the importance weight of stale samples */
  public static Behavior<Command> create(Models models, RunPlan plan, double isTruncation,
      ActorRef<ExperienceBuffer.Command> buffer, ActorRef<Coordinator.Command> coordinator,
      List<ActorRef<RolloutWorker.Command>> workers, ActorRef<Finished> replyTo) {
    return create(models, plan, isTruncation, buffer, coordinator, WeightsTargets.local(workers),
        replyTo);
  }

  /** A learner publishing to workers in this JVM and/or other nodes' weight receivers. */
  public static Behavior<Command> create(Models models, RunPlan plan, double isTruncation,
      ActorRef<ExperienceBuffer.Command> buffer, ActorRef<Coordinator.Command> coordinator,
      WeightsTargets targets, ActorRef<Finished> replyTo) {
    return Behaviors.setup(ctx -> new LearnerActor(ctx, models, plan, isTruncation, buffer,
        coordinator, targets, replyTo));
  }

  private LearnerActor(ActorContext<Command> ctx, Models models, RunPlan plan,
      double isTruncation, ActorRef<ExperienceBuffer.Command> buffer,
      ActorRef<Coordinator.Command> coordinator, WeightsTargets targets,
      ActorRef<Finished> replyTo) {
    super(ctx);
    this.isTruncation = isTruncation;
    this.models = models;
    this.plan = plan;
    this.buffer = buffer;
    this.coordinator = coordinator;
    this.targets = targets;
    for (int i = 0; i < targets.receivers().size(); i++) {
      watchReceiver(targets.receivers().get(i), targets.bulkAddresses().get(i));
    }
    this.transferAdapter = ctx.messageAdapter(ChunkSender.Result.class, WrappedTransfer::new);
    this.broadcastAdapter = ctx.messageAdapter(Broadcast.Result.class, WrappedBroadcast::new);
    this.replyTo = replyTo;
    this.roundAdapter = ctx.messageAdapter(ExperienceBuffer.RoundReady.class,
        WrappedRoundReady::new);
    this.manager = NDManager.newBaseManager();
    TorchThread.noGrad();
    // A resumed run starts at the checkpoint's round, which is also its policy version.
    version = plan.startRound(models.trainer().begin(plan.batchesPerEpoch(), models.resume()));
    publish();
    if (version < plan.rounds().size()) {
      requestRound();
    } else {
      // Resumed from the run's last checkpoint: nothing is left to train.
      ctx.getSelf().tell(AlreadyDone.INSTANCE);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(WrappedRoundReady.class, this::onRoundReady)
        .onMessage(WrappedTransfer.class, this::onTransfer)
        .onMessage(WrappedBroadcast.class, this::onBroadcast)
        .onMessage(AddReceiver.class, this::onAddReceiver)
        .onMessage(BulkSent.class, this::onBulkSent)
        .onMessageEquals(AlreadyDone.INSTANCE, () -> {
          replyTo.tell(new Finished(models.trainer().state(), version,
              stalenessHistogram.clone()));
          return Behaviors.stopped();
        })
        .onMessage(ReceiverTerminated.class, t -> {
          receivers.remove(t.receiver());
          bulk.remove(t.receiver());
          return this;
        })
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onRoundReady(WrappedRoundReady w) {
    TorchThread.noGrad();
    double waited = (System.nanoTime() - waitStart) / 1e9;
    long phaseStart = System.nanoTime(); // step time by phase, for monitoring
    RunPlan.Round round = plan.rounds().get(w.ready().round());
    List<Experience> scored = new ArrayList<>();
    List<float[][]> weights = new ArrayList<>();
    long rows = 0;
    long stalenessSum = 0;
    long stalenessMax = 0;
    for (Experience e : w.ready().experiences()) {
      long staleness = round.index() - e.policyVersion();
      if (staleness >= stalenessHistogram.length) {
        stalenessHistogram = java.util.Arrays.copyOf(stalenessHistogram, (int) staleness + 1);
      }
      stalenessHistogram[(int) staleness] += e.batchSize();
      rows += e.batchSize();
      stalenessSum += staleness * e.batchSize();
      stalenessMax = Math.max(stalenessMax, staleness);
      Experience x = ExperienceMaker.withValues(manager, e, models.rewardCritic(),
          models.costCritic());
      float[][] iw = null;
      if (staleness > 0) {
        float[][] prox;
        try (NDManager step = manager.newSubManager()) {
          prox = MaskedForward.toHost(MaskedForward.logProbs(models.actor().decoder(), step,
              x.inputIds(), x.attentionMask()));
        }
        iw = importanceWeights(prox, x.logProbs(), x.sequenceMask(), x.start(), isTruncation);
        x = new Experience(x.inputIds(), x.attentionMask(), x.start(), prox, x.refLogProbs(),
            x.reward(), x.cost(), x.rewardValues(), x.costValues(), x.policyVersion());
      }
      scored.add(x);
      weights.add(iw);
    }
    long prepared = System.nanoTime();
    // system/rollout_s is here the learner's wait for the round: rollouts overlap learning.
    // In a learner group the followers get the same round and the shards meet at every step.
    BatchTrainer train = models.group() == null ? models.trainer()::trainBatch
        : models.group()::trainBatch;
    train.trainBatch(scored, weights, round.epoch(), round.batchIndex(),
        plan.batchesPerEpoch(), waited, models.evalPrompts(), Map.of(
            "system/staleness_mean", rows == 0 ? 0.0 : (double) stalenessSum / rows,
            "system/staleness_max", (double) stalenessMax,
            "system/learner_wait_s", waited));
    if (round.batchIndex() == plan.batchesPerEpoch() - 1) {
      models.trainer().endEpoch(models.evalPrompts());
    }
    version++;
    long trained = System.nanoTime();
    publish();
    Monitoring.gauge("learner_wait_seconds", waited);
    Monitoring.gauge("learner_prepare_seconds", (prepared - phaseStart) / 1e9);
    Monitoring.gauge("learner_train_seconds", (trained - prepared) / 1e9);
    Monitoring.gauge("learner_weight_sync_seconds", (System.nanoTime() - trained) / 1e9);
    Monitoring.gauge("learner_version", version);
    coordinator.tell(new Coordinator.LearnerAdvanced(version, scored.size()));
    if (round.index() + 1 < plan.rounds().size()) {
      requestRound();
      return this;
    }
    replyTo.tell(new Finished(models.trainer().state(), version, stalenessHistogram.clone()));
    return Behaviors.stopped();
  }

  /** {@link RlTrainer#trainBatch}'s signature: a trainer on its own or a group's leader. */
  private interface BatchTrainer {
    void trainBatch(List<Experience> experiences, List<float[][]> actorWeights, int epoch,
        int bi, int numPromptBatches, double rolloutSeconds, List<List<int[]>> evalPrompts,
        Map<String, Double> batchMetrics);
  }

  /**
   * w_t = min(exp(log π_prox − log π_behaviour), c) over the generated columns start.. of the
   * shifted frame: (B, L−1−start), the advantages' frame; 0 where the sequence mask is off.
   */
  static float[][] importanceWeights(float[][] proximal, float[][] behaviour,
      boolean[][] sequenceMask, int start, double c) {
    float[][] out = new float[proximal.length][];
    for (int r = 0; r < out.length; r++) {
      int n = proximal[r].length - start;
      out[r] = new float[n];
      for (int t = 0; t < n; t++) {
        out[r][t] = sequenceMask[r][start + t] ? (float) Math.min(
            Math.exp(proximal[r][start + t] - behaviour[r][start + t]), c) : 0f;
      }
    }
    return out;
  }

  private void requestRound() {
    int next = (int) version;
    waitStart = System.nanoTime();
    buffer.tell(new ExperienceBuffer.TakeRound(next, plan.rounds().get(next).items().size(),
        roundAdapter));
  }

  private void publish() {
    Map<String, HostTensor> weights = models.actor().decoder().weights().toHost();
    for (ActorRef<RolloutWorker.Command> w : targets.localWorkers()) {
      w.tell(new RolloutWorker.WeightsPublished(version, weights));
    }
    published = weights;
    if (!receivers.isEmpty()) {
      deliver(WeightsCodec.encode(version, weights), List.copyOf(receivers));
    }
  }

  /**
   * Sends a version to other nodes' receivers: over the bulk data plane when every one of them
   * is remote and has a bulk server (one relay chain of plain TCP connections, off the actor's
   * thread), else over Artery.
   */
  private void deliver(ByteBuffer payload, List<ActorRef<ChunkedPayload.Inbound>> to) {
    List<String> chain = new ArrayList<>();
    for (ActorRef<ChunkedPayload.Inbound> r : to) {
      String address = bulk.getOrDefault(r, "");
      // A receiver in this JVM gets the payload as local messages, never serialized.
      if (address.isEmpty() || r.path().address().hasLocalScope()) {
        overArtery(payload, to);
        return;
      }
      chain.add(address);
    }
    long id = ++transferIds;
    long wire = wireVersion();
    long v = version;
    int chunk = targets.transfer().chunkBytes();
    ActorRef<Command> self = getContext().getSelf();
    CompletableFuture.runAsync(() -> {
      try {
        BulkSender.send(chain, id, wire, payload, chunk, BULK_TIMEOUT);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, bulkSender()).whenComplete((ok, e) -> self.tell(new BulkSent(v, payload, to, e)));
  }

  private Behavior<Command> onBulkSent(BulkSent b) {
    if (b.failure() != null && b.version() == version) {
      // Over Artery instead (unless a newer version is already on its way): slower, but it retries per chunk and works where a port is blocked.
      getContext().getLog().warn("weights version {} over the bulk data plane failed ({});"
          + " sending it over Artery", b.version(), b.failure().getMessage());
      List<ActorRef<ChunkedPayload.Inbound>> live = new ArrayList<>(b.to());
      live.retainAll(receivers);
      if (!live.isEmpty()) {
        overArtery(b.payload(), live);
      }
    }
    return this;
  }

  private java.util.concurrent.Executor bulkSender() {
    if (bulkExecutor == null) {
      bulkExecutor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "beaver-learner-bulk-send");
        t.setDaemon(true);
        return t;
      });
    }
    return bulkExecutor;
  }

  private void overArtery(ByteBuffer payload, List<ActorRef<ChunkedPayload.Inbound>> to) {
    if (to.size() == 1) {
      send(payload, to.get(0));
    } else {
      // One relay chain: the payload leaves this node once, each node forwards every verified
      // chunk to the next, so the time grows by a chunk latency per node, not a transfer.
      long id = ++transferIds;
      getContext().spawn(Broadcast.create(targets.transfer(), id, wireVersion(), payload,
          List.copyOf(to), broadcastAdapter), "weights-v" + version + "-" + id);
    }
  }

  private long wireVersion() {
    return WeightsCodec.wireVersion(startMillis, version);
  }

  private Behavior<Command> onBroadcast(WrappedBroadcast b) {
    if (b.result() instanceof Broadcast.Failed f) {
      getContext().getLog().warn("weights version {} did not reach {} (hop {}): {}",
          f.version(), f.receiver(), f.hop(), f.reason());
    }
    return this;
  }

  private void send(java.nio.ByteBuffer payload, ActorRef<ChunkedPayload.Inbound> receiver) {
    long id = ++transferIds;
    getContext().spawn(ChunkSender.create(targets.transfer(), id, wireVersion(), payload, receiver,
        transferAdapter), "weights-v" + version + "-" + id);
  }

  private void watchReceiver(ActorRef<ChunkedPayload.Inbound> r, String bulkAddress) {
    if (!receivers.contains(r)) {
      receivers.add(r);
      bulk.put(r, bulkAddress == null ? "" : bulkAddress);
      getContext().watchWith(r, new ReceiverTerminated(r));
    }
  }

  private Behavior<Command> onAddReceiver(AddReceiver a) {
    if (!receivers.contains(a.receiver())) {
      watchReceiver(a.receiver(), a.bulk());
      if (published != null) {
        deliver(WeightsCodec.encode(version, published), List.of(a.receiver()));
      }
    }
    return this;
  }

  /**
   * A node that missed a version keeps its older one (the coordinator gives its workers no work
   * they are too stale for) and gets the next version; a lost node is dropped by death watch.
   */
  private Behavior<Command> onTransfer(WrappedTransfer t) {
    if (t.result() instanceof ChunkSender.Failed f) {
      getContext().getLog().warn("weights version {} did not reach a rollout node: {}",
          f.version(), f.reason());
    }
    return this;
  }

  private Behavior<Command> onPostStop() {
    if (bulkExecutor != null) {
      bulkExecutor.shutdown();
    }
    manager.close();
    return this;
  }
}
