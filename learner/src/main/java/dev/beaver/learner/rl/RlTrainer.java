package dev.beaver.learner.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.beaver.data.SupervisedBatch;
import dev.beaver.learner.checkpoint.Checkpoints;
import dev.beaver.learner.checkpoint.TrainerState;
import dev.beaver.learner.math.LagrangeMultiplier;
import dev.beaver.learner.optim.AdamW;
import dev.beaver.learner.optim.GradClip;
import dev.beaver.learner.optim.LrSchedule;
import dev.beaver.learner.optim.Param;
import dev.beaver.learner.shard.GroupMember;
import dev.beaver.learner.train.CausalLmLoss;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.learner.train.TrainableParams;
import dev.beaver.learner.train.TrainingDivergedException;
import dev.beaver.models.CausalLm;
import dev.beaver.models.PretrainedModel;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.generate.Generation;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.nn.HostTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * safe-rlhf's RL trainers in one process (PPO, PPO-Lagrangian, PPO with reward shaping), in
 * upstream's order of operations (reference §2.12): for each prompt batch, roll out and score
 * every micro-batch first, then run {@code update_iters} passes of λ update → advantages → actor
 * step → critic steps over them. This synchronous loop is the reference trajectory that the
 * actor pipeline reproduces with {@code --max_staleness 0}.
 *
 * <p>A trainer built with a {@link GroupMember} is one shard of a data-parallel learner group:
 * every shard is given the same (whole) rounds, computes the same targets and λ from them, but
 * back-propagates only its slice of each micro-batch's rows (weighted by its share of the rows,
 * so that the shards' gradients sum to the single learner's), and takes the optimizer step
 * through the group (sharded AdamW state, see {@code dev.beaver.learner.shard}). PTX batches
 * are back-propagated by the leader (rank 0) only. Only the leader evaluates and writes
 * checkpoints; every shard must still reach {@link #save} at the same steps (the optimizer state
 * is gathered there). Without a member (the default) nothing changes.
 */
public final class RlTrainer {
  private final RlSettings s;
  private final CausalLm actor;
  private final ScoreModel rewardCritic;
  private final ScoreModel costCritic;
  private final ExperienceMaker maker;
  private final NDManager manager;
  private final SupervisedLoop.Listener listener;
  private final List<Param> actorParams;
  private final List<Param> rewardCriticParams;
  private final List<Param> costCriticParams;
  private final AdamW actorOpt;
  private final AdamW rewardCriticOpt;
  private final AdamW costCriticOpt;
  private final LagrangeMultiplier lambda;
  private final ScoreModel evalReward;
  private final ScoreModel evalCost;
  private final GroupMember member;
  private List<SupervisedBatch> ptxBatches = List.of();
  private long policyVersion;
  private TrainerState state;
  private LrSchedule actorSchedule;
  private LrSchedule criticSchedule;
  private long step;
  private long updates;
  private long totalMicro;
  private int ptxCursor;

  /**
   * @param costModel null for PPO
   * @param costCritic null unless PPO-Lag
   */
  public RlTrainer(RlSettings settings, CausalLm actor, CausalLm reference, ScoreModel rewardModel,
      ScoreModel costModel, ScoreModel rewardCritic, ScoreModel costCritic, NDManager manager,
      SupervisedLoop.Listener listener) {
    this(settings, actor, reference, rewardModel, costModel, rewardCritic, costCritic, manager,
        listener, null);
  }

  /**
   * A trainer that is one shard of a learner group ({@code member} null: a group of one, as the
   * constructor above). The member's optimizer state replaces the local AdamW moments.
   */
  public RlTrainer(RlSettings settings, CausalLm actor, CausalLm reference, ScoreModel rewardModel,
      ScoreModel costModel, ScoreModel rewardCritic, ScoreModel costCritic, NDManager manager,
      SupervisedLoop.Listener listener, GroupMember member) {
    this.s = settings;
    this.member = member;
    this.actor = actor;
    this.rewardCritic = rewardCritic;
    this.costCritic = settings.algorithm() == RlSettings.Algorithm.PPO_LAG ? costCritic : null;
    this.manager = manager;
    this.listener = listener;
    this.evalReward = rewardModel;
    this.evalCost = costModel;
    double nu = settings.algorithm() == RlSettings.Algorithm.REWARD_SHAPING
        ? settings.lambdaInit() : Double.NaN;
    this.maker = new ExperienceMaker(actor, reference, rewardModel,
        settings.algorithm().usesCost() ? costModel : null, rewardCritic, this.costCritic, nu);
    this.actorParams = TrainableParams.of(actor.decoder().weights(), settings.actorWeightDecay());
    this.rewardCriticParams =
        TrainableParams.of(rewardCritic.decoder().weights(), settings.criticWeightDecay());
    this.costCriticParams = this.costCritic == null ? List.of()
        : TrainableParams.of(this.costCritic.decoder().weights(), settings.criticWeightDecay());
    if (member == null) {
      this.actorOpt = AdamW.withSafeRlhfDefaults(manager, actorParams);
      this.rewardCriticOpt = AdamW.withSafeRlhfDefaults(manager, rewardCriticParams);
      this.costCriticOpt = this.costCritic == null ? null
          : AdamW.withSafeRlhfDefaults(manager, costCriticParams);
    } else {
      // The group's shards own the moments; the parameters only need to record gradients.
      for (List<Param> ps : List.of(actorParams, rewardCriticParams, costCriticParams)) {
        ps.forEach(p -> p.value().setRequiresGradient(true));
      }
      this.actorOpt = null;
      this.rewardCriticOpt = null;
      this.costCriticOpt = null;
    }
    this.lambda = settings.algorithm() == RlSettings.Algorithm.PPO_LAG
        ? new LagrangeMultiplier(settings.lambdaInit(), settings.lambdaLr(), settings.lambdaMax(),
            settings.threshold(), settings.lambdaUpdateDelaySteps(),
            settings.episodeCostWindowSize())
        : null;
  }

  /** PTX batches (SFT data) mixed into every actor update with weight {@code ptx_coeff}. */
  public void setPtxBatches(List<SupervisedBatch> batches) {
    this.ptxBatches = List.copyOf(batches);
  }

  /** The multiplier (PPO-Lag), or null. */
  public LagrangeMultiplier lambda() {
    return lambda;
  }

  /**
   * Trains over {@code promptBatches} (each a list of unpadded prompts) for the configured epochs,
   * optionally resuming from a checkpoint folder.
   */
  public TrainerState run(List<List<int[]>> promptBatches, List<List<int[]>> evalPrompts,
      Path resume) {
    TrainerState start = begin(promptBatches.size(), resume);
    for (int epoch = start.epoch(); epoch < s.epochs(); epoch++) {
      int first = epoch == start.epoch() ? start.batchInEpoch() : 0;
      for (int bi = first; bi < promptBatches.size(); bi++) {
        long rolloutStart = System.nanoTime();
        List<Experience> experiences = rollout(promptBatches.get(bi), epoch, bi);
        double rolloutSeconds = (System.nanoTime() - rolloutStart) / 1e9;
        trainBatch(experiences, epoch, bi, promptBatches.size(), rolloutSeconds, evalPrompts);
      }
      endEpoch(evalPrompts);
    }
    return state;
  }

  /**
   * Prepares a run over {@code numPromptBatches} prompt batches per epoch (schedules, counters),
   * optionally resuming from a checkpoint folder; returns the state to start from. The actor
   * pipeline calls this, then {@link #trainBatch} per prompt batch in order, then
   * {@link #endEpoch} per epoch.
   */
  public TrainerState begin(int numPromptBatches, Path resume) {
    state = TrainerState.start(s.seed());
    if (resume != null) {
      state = Checkpoints.readState(resume);
      if (member == null) {
        Checkpoints.loadOptimizer(resume, "actor", actorOpt);
        Checkpoints.loadOptimizer(resume, "reward_critic", rewardCriticOpt);
        if (costCriticOpt != null) {
          Checkpoints.loadOptimizer(resume, "cost_critic", costCriticOpt);
        }
      } else {
        // Checkpoints hold full AdamW states (the same for every K): each shard keeps its range.
        for (GroupMember.ModelStep m : modelSteps(0, 0)) {
          try (AdamW full = AdamW.withSafeRlhfDefaults(manager, m.params())) {
            Checkpoints.loadOptimizer(resume, m.name(), full);
            member.loadOptimizerState(m.name(), m.params(), full.state());
          }
        }
      }
      restore(state.extra());
    }
    long total = s.totalUpdates(numPromptBatches);
    actorSchedule = LrSchedule.of(s.actorLrSchedulerType(), s.actorLr(),
        s.actorLrWarmupRatio(), total);
    criticSchedule = LrSchedule.of(s.criticLrSchedulerType(), s.criticLr(),
        s.criticLrWarmupRatio(), total);
    step = state.globalStep();
    updates = state.optimizerSteps();
    int microPerBatch = s.perDevicePromptBatchSize() * s.numReturnSequences()
        / s.perDeviceTrainBatchSize();
    totalMicro = (long) numPromptBatches * s.epochs() * s.updateIters() * microPerBatch;
    ptxCursor = 0;
    return state;
  }

  /**
   * Trains on the scored micro-batches of one prompt batch (critic values included), in order:
   * their episode costs enter λ's window first, then {@code update_iters} passes of λ update →
   * advantages → actor step → critic steps, logging every micro-batch step.
   */
  public void trainBatch(List<Experience> experiences, int epoch, int bi, int numPromptBatches,
      double rolloutSeconds, List<List<int[]>> evalPrompts) {
    trainBatch(experiences, null, epoch, bi, numPromptBatches, rolloutSeconds, evalPrompts);
  }

  /**
   * {@link #trainBatch(List, int, int, int, double, List)} with per-token importance weights on
   * the actor's advantages (the decoupled correction of stale samples): {@code actorWeights} is
   * null, or holds per experience null (no weights) or a (B, L−1−start) array over the generated
   * columns start.. of the shifted frame (the advantages' frame).
   */
  public void trainBatch(List<Experience> experiences, List<float[][]> actorWeights, int epoch,
      int bi, int numPromptBatches, double rolloutSeconds, List<List<int[]>> evalPrompts) {
    trainBatch(experiences, actorWeights, epoch, bi, numPromptBatches, rolloutSeconds,
        evalPrompts, Map.of());
  }

  /**
   * As {@link #trainBatch(List, List, int, int, int, double, List)}, adding {@code batchMetrics}
   * (e.g. the pipeline's {@code system/*} figures of this batch) to every step's metrics.
   */
  public void trainBatch(List<Experience> experiences, List<float[][]> actorWeights, int epoch,
      int bi, int numPromptBatches, double rolloutSeconds, List<List<int[]>> evalPrompts,
      Map<String, Double> batchMetrics) {
    if (lambda != null) {
      for (Experience e : experiences) {
        if (e.cost() != null) {
          double[] costs = new double[e.cost().length];
          for (int r = 0; r < costs.length; r++) {
            costs[r] = e.cost()[r];
          }
          lambda.addEpisodeCosts(costs);
        }
      }
    }
    for (int iter = 0; iter < s.updateIters(); iter++) {
      for (int ei = 0; ei < experiences.size(); ei++) {
        Experience e = experiences.get(ei);
        float[][] weights = actorWeights == null ? null : actorWeights.get(ei);
        Map<String, Double> metrics = new LinkedHashMap<>();
        long updateStart = System.nanoTime();
        if (lambda != null && lambda.windowLength() > 0) {
          lambda.update(step);
        }
        boolean boundary = (step + 1) % s.gradientAccumulationSteps() == 0;
        double scale = 1.0 / s.gradientAccumulationSteps();
        try (NDManager sm = manager.newSubManager()) {
          RlUpdate.Targets t = RlUpdate.targets(sm, e, s,
              lambda == null ? 0.0 : lambda.lambda());
          boolean ptx = s.ptxCoeff() > 0 && !ptxBatches.isEmpty();
          double actorScale = ptx ? scale / 2 : scale;
          if (member == null) {
            double actorLoss = RlUpdate.actorBackward(sm, actor.decoder(), e,
                weights == null ? t.actorAdvantages()
                    : t.actorAdvantages().mul(sm.create(weights)), s, actorScale);
            check(step + 1, "actor loss", actorLoss);
            if (ptx) {
              SupervisedBatch pb = ptxBatches.get(ptxCursor++ % ptxBatches.size());
              double ptxLoss = dev.beaver.learner.optim.Autograd.backward(
                  () -> CausalLmLoss.loss(actor.decoder(), sm, pb.inputIds(), pb.labels(),
                      pb.attentionMask()), actorScale * s.ptxCoeff());
              metrics.put("train/ptx_loss", ptxLoss);
            }
            double rcLoss = RlUpdate.criticBackward(sm, rewardCritic.decoder(), e,
                e.rewardValues(), t.rewardReturns(), s, scale);
            check(step + 1, "reward critic loss", rcLoss);
            Double ccLoss = null;
            if (costCritic != null) {
              ccLoss = RlUpdate.criticBackward(sm, costCritic.decoder(), e, e.costValues(),
                  t.costReturns(), s, scale);
              check(step + 1, "cost critic loss", ccLoss);
            }
            metrics.put("train/actor_loss", actorLoss);
            metrics.put("train/reward_critic_loss", rcLoss);
            if (ccLoss != null) {
              metrics.put("train/cost_critic_loss", ccLoss);
            }
          } else {
            shardBackward(sm, e, weights, t, actorScale, scale, ptx, metrics);
          }
          String prefix = s.algorithm() == RlSettings.Algorithm.REWARD_SHAPING
              ? "shaped_reward" : "reward";
          metrics.putAll(RlUpdate.metrics(sm, e, t, costCritic != null, prefix));
        }
        if (s.algorithm() == RlSettings.Algorithm.REWARD_SHAPING) {
          metrics.put("train/reward", RlUpdate.mean(rawReward(e)));
          metrics.put("train/cost", RlUpdate.mean(e.cost()));
        }
        if (lambda != null) {
          metrics.put("train/lambda", lambda.lambda());
          metrics.put("train/episode_cost", lambda.episodeCost());
        } else if (s.algorithm() == RlSettings.Algorithm.REWARD_SHAPING) {
          metrics.put("train/episode_cost", RlUpdate.mean(e.cost()));
        }
        if (boundary && member != null) {
          long at = step + 1;
          member.optimizerStep(modelSteps(actorSchedule.lr(updates), criticSchedule.lr(updates)),
              s.maxGradNorm(), lambda == null ? Double.NaN : lambda.lambda(),
              (name, norm) -> check(at, name.replace('_', ' ') + " gradient norm", norm));
          updates++;
          policyVersion++;
        } else if (boundary) {
          stepOptimizer(actorParams, actorOpt, actorSchedule.lr(updates), step + 1, "actor");
          stepOptimizer(rewardCriticParams, rewardCriticOpt, criticSchedule.lr(updates),
              step + 1, "reward critic");
          if (costCriticOpt != null) {
            stepOptimizer(costCriticParams, costCriticOpt, criticSchedule.lr(updates),
                step + 1, "cost critic");
          }
          updates++;
          policyVersion++;
        }
        metrics.put("system/update_s", (System.nanoTime() - updateStart) / 1e9);
        metrics.put("system/rollout_s", rolloutSeconds);
        metrics.putAll(batchMetrics);
        metrics.put("train/actor_lr", actorSchedule.lr(updates));
        metrics.put("train/reward_critic_lr", criticSchedule.lr(updates));
        if (costCriticOpt != null) {
          metrics.put("train/cost_critic_lr", criticSchedule.lr(updates));
        }
        step++;
        listener.accept(metrics, step);
        listener.progress(step, totalMicro, metrics);
        boolean lastMicro = iter == s.updateIters() - 1 && e == experiences.get(
            experiences.size() - 1);
        boolean lastOfEpoch = lastMicro && bi == numPromptBatches - 1;
        // A checkpoint mid-batch resumes at the start of the next prompt batch.
        state = new TrainerState(step, updates, lastOfEpoch ? epoch + 1 : epoch,
            lastOfEpoch ? 0 : bi + 1, s.seed(), stateJson());
        if (s.saveInterval() > 0 && step % s.saveInterval() == 0) {
          save(state);
        }
        if (s.needEval() && "steps".equals(s.evalStrategy()) && step % s.evalInterval() == 0
            && evalPrompts != null && isLeader()) {
          listener.accept(evaluate(evalPrompts), step);
        }
      }
    }
  }

  /** Ends an epoch: runs the per-epoch evaluation when configured. */
  public void endEpoch(List<List<int[]>> evalPrompts) {
    if (s.needEval() && "epoch".equals(s.evalStrategy()) && evalPrompts != null && isLeader()) {
      listener.accept(evaluate(evalPrompts), step);
    }
  }

  /** Whether this trainer logs, evaluates and writes checkpoints (no group, or rank 0). */
  public boolean isLeader() {
    return member == null || member.rank() == 0;
  }

  /** The group member, or null for a trainer on its own. */
  public GroupMember member() {
    return member;
  }

  /**
   * A shard's backward passes over its rows {@code [lo, hi)} of micro-batch {@code e}: targets
   * come from the whole micro-batch (row-wise, so equal to the slice's own), losses are the
   * slice's masked means, weighted by its share of the rows (safe-rlhf's loss is a per-row mean
   * then a batch mean, so the shards' gradients add up to the whole batch's). The loss metrics
   * are this shard's slice's (absent when the slice is empty).
   */
  private void shardBackward(NDManager sm, Experience e, float[][] weights, RlUpdate.Targets t,
      double actorScale, double scale, boolean ptx, Map<String, Double> metrics) {
    int rows = e.batchSize();
    int lo = GroupMember.rowStart(member.rank(), member.size(), rows);
    int hi = GroupMember.rowStart(member.rank() + 1, member.size(), rows);
    double share = (double) (hi - lo) / rows;
    // The same order of backward passes as the single learner (actor, PTX, critics).
    Experience part = hi == lo ? null : rowSlice(e, lo, hi);
    NDIndex slice = new NDIndex("{}:{}", lo, hi);
    if (part != null) {
      NDArray advantages = weights == null ? t.actorAdvantages()
          : t.actorAdvantages().mul(sm.create(weights));
      double actorLoss = RlUpdate.actorBackward(sm, actor.decoder(), part, advantages.get(slice),
          s, actorScale * share);
      check(step + 1, "actor loss", actorLoss);
      metrics.put("train/actor_loss", actorLoss);
    }
    if (ptx) {
      SupervisedBatch pb = ptxBatches.get(ptxCursor++ % ptxBatches.size());
      if (member.rank() == 0) {
        double ptxLoss = dev.beaver.learner.optim.Autograd.backward(
            () -> CausalLmLoss.loss(actor.decoder(), sm, pb.inputIds(), pb.labels(),
                pb.attentionMask()), actorScale * s.ptxCoeff());
        metrics.put("train/ptx_loss", ptxLoss);
      }
    }
    if (part == null) {
      return;
    }
    double rcLoss = RlUpdate.criticBackward(sm, rewardCritic.decoder(), part,
        part.rewardValues(), t.rewardReturns().get(slice), s, scale * share);
    check(step + 1, "reward critic loss", rcLoss);
    metrics.put("train/reward_critic_loss", rcLoss);
    if (costCritic != null) {
      double ccLoss = RlUpdate.criticBackward(sm, costCritic.decoder(), part, part.costValues(),
          t.costReturns().get(slice), s, scale * share);
      check(step + 1, "cost critic loss", ccLoss);
      metrics.put("train/cost_critic_loss", ccLoss);
    }
  }

  /** Rows {@code [lo, hi)} of a micro-batch (same columns and prompt start). */
  static Experience rowSlice(Experience e, int lo, int hi) {
    return new Experience(Arrays.copyOfRange(e.inputIds(), lo, hi),
        Arrays.copyOfRange(e.attentionMask(), lo, hi), e.start(),
        Arrays.copyOfRange(e.logProbs(), lo, hi), Arrays.copyOfRange(e.refLogProbs(), lo, hi),
        Arrays.copyOfRange(e.reward(), lo, hi),
        e.cost() == null ? null : Arrays.copyOfRange(e.cost(), lo, hi),
        Arrays.copyOfRange(e.rewardValues(), lo, hi),
        e.costValues() == null ? null : Arrays.copyOfRange(e.costValues(), lo, hi),
        e.policyVersion());
  }

  /** The models the optimizer steps, in order, with their checkpoint names. */
  private List<GroupMember.ModelStep> modelSteps(double actorLr, double criticLr) {
    List<GroupMember.ModelStep> out = new ArrayList<>();
    out.add(new GroupMember.ModelStep("actor", actorParams, actorLr));
    out.add(new GroupMember.ModelStep("reward_critic", rewardCriticParams, criticLr));
    if (costCritic != null) {
      out.add(new GroupMember.ModelStep("cost_critic", costCriticParams, criticLr));
    }
    return out;
  }

  /** The current trainer state (after the last {@link #trainBatch}). */
  public TrainerState state() {
    return state;
  }

  /** Reward shaping keeps R − ν·C in the experience; the raw reward is recovered for logging. */
  private float[] rawReward(Experience e) {
    float[] out = new float[e.reward().length];
    for (int r = 0; r < out.length; r++) {
      out[r] = (float) (e.reward()[r] + s.lambdaInit() * e.cost()[r]);
    }
    return out;
  }

  /** One micro-batch of a prompt batch's rollout: its prompts and sampling parameters. */
  public record MicroBatchPlan(List<int[]> prompts, SamplingParams params) {}

  /**
   * The micro-batches of one prompt batch's rollout, in order: chunks of T prompts × N return
   * sequences (reference §2.12.2), each with its own sampling seed.
   */
  public static List<MicroBatchPlan> plan(RlSettings s, List<int[]> prompts, int epoch,
      int batchIndex) {
    List<MicroBatchPlan> out = new ArrayList<>();
    int t = s.perDeviceTrainBatchSize();
    // With N > 1 every chunk of T prompts yields N micro-batches (one per return sequence);
    // with P·N divisible by T this matches upstream's grouping.
    int chunk = Math.min(t, prompts.size());
    for (int c = 0; c < prompts.size(); c += chunk) {
      List<int[]> part = prompts.subList(c, Math.min(prompts.size(), c + chunk));
      for (int n = 0; n < s.numReturnSequences(); n++) {
        long seed = s.seed() * 1_000_003L + ((long) epoch << 40) + ((long) batchIndex << 20)
            + (long) c * 131 + n;
        SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(),
            s.repetitionPenalty(), 0, s.maxLength(), seed);
        out.add(new MicroBatchPlan(List.copyOf(part), params));
      }
    }
    return out;
  }

  /** Rollout of one prompt batch, generated and scored in process (λ's window is fed later). */
  List<Experience> rollout(List<int[]> prompts, int epoch, int batchIndex) {
    List<Experience> out = new ArrayList<>();
    for (MicroBatchPlan p : plan(s, prompts, epoch, batchIndex)) {
      out.add(maker.make(manager, p.prompts(), p.params(), policyVersion));
    }
    return out;
  }

  /** RL evaluation: generate for the eval prompts; mean reward (and cost) of the responses. */
  public Map<String, Double> evaluate(List<List<int[]>> evalPrompts) {
    double rSum = 0;
    double cSum = 0;
    int n = 0;
    for (List<int[]> batch : evalPrompts) {
      SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(),
          s.repetitionPenalty(), 0, s.maxLength(), s.seed());
      List<Generation> gens = actor.generate(manager, batch, params);
      List<int[]> rows = new ArrayList<>();
      gens.forEach(g -> rows.add(g.outputIds()));
      // The same scoring path as rollouts: re-tokenized when a score model's tokenizer differs.
      float[] r = ExperienceMaker.endScores(actor.tokenizer(), evalReward, manager, rows);
      float[] c = evalCost == null ? null
          : ExperienceMaker.endScores(actor.tokenizer(), evalCost, manager, rows);
      for (int i = 0; i < rows.size(); i++) {
        rSum += r[i];
        if (c != null) {
          cSum += c[i];
        }
        n++;
      }
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("eval/reward", n == 0 ? 0 : rSum / n);
    if (evalCost != null && s.algorithm().usesCost()) {
      m.put("eval/cost", n == 0 ? 0 : cSum / n);
    }
    return m;
  }

  private void stepOptimizer(List<Param> params, AdamW opt, double lr, long step, String what) {
    double norm = GradClip.clipGlobalNorm(params, s.maxGradNorm());
    check(step, what + " gradient norm", norm);
    opt.step(lr);
  }

  private void check(long step, String what, double value) {
    if (!Double.isFinite(value)) {
      Path last = Checkpoints.latest(s.outputDir());
      throw new TrainingDivergedException("step " + step + ": " + what + " is " + value
          + "; training stopped before updating the weights"
          + (last == null ? " (no checkpoint was saved yet)"
              : "; the last good checkpoint is " + last));
    }
  }

  /**
   * Writes a checkpoint of the actor, critics, optimizers, λ and the prompt cursor. In a group,
   * every shard must call it (the sharded optimizer state is gathered to the leader, which writes
   * the same files as a single learner; the others return null).
   */
  public Path save(TrainerState state) {
    if (member != null) {
      return saveSharded(state);
    }
    Map<String, PretrainedModel> models = new LinkedHashMap<>();
    models.put("actor", actor);
    models.put("reward_critic", rewardCritic);
    Map<String, AdamW> opts = new LinkedHashMap<>();
    opts.put("actor", actorOpt);
    opts.put("reward_critic", rewardCriticOpt);
    if (costCritic != null) {
      models.put("cost_critic", costCritic);
      opts.put("cost_critic", costCriticOpt);
    }
    return Checkpoints.save(s.outputDir(), state, models, opts);
  }

  private Path saveSharded(TrainerState state) {
    Map<String, Map<String, HostTensor>> gathered =
        member.gatherOptimizerState(modelSteps(0, 0));
    if (member.rank() != 0) {
      return null;
    }
    Map<String, PretrainedModel> models = new LinkedHashMap<>();
    models.put("actor", actor);
    models.put("reward_critic", rewardCritic);
    if (costCritic != null) {
      models.put("cost_critic", costCritic);
    }
    Map<String, AdamW> opts = new LinkedHashMap<>();
    try {
      for (GroupMember.ModelStep m : modelSteps(0, 0)) {
        AdamW full = AdamW.withSafeRlhfDefaults(manager, m.params());
        opts.put(m.name(), full);
        full.load(gathered.get(m.name()));
      }
      return Checkpoints.save(s.outputDir(), state, models, opts);
    } finally {
      opts.values().forEach(AdamW::close);
    }
  }

  private JsonObject stateJson() {
    JsonObject o = new JsonObject();
    o.addProperty("policy_version", policyVersion);
    if (lambda != null) {
      LagrangeMultiplier.State st = lambda.exportState();
      o.addProperty("log_lambda", st.logLambda());
      JsonArray w = new JsonArray();
      for (double v : st.episodeCostWindow()) {
        w.add(v);
      }
      o.add("episode_cost_window", w);
    }
    return o;
  }

  private void restore(JsonObject o) {
    if (o.has("policy_version")) {
      policyVersion = o.get("policy_version").getAsLong();
    }
    if (lambda != null && o.has("log_lambda")) {
      JsonArray w = o.getAsJsonArray("episode_cost_window");
      double[] window = new double[w.size()];
      for (int i = 0; i < window.length; i++) {
        window[i] = w.get(i).getAsDouble();
      }
      lambda.importState(new LagrangeMultiplier.State(o.get("log_lambda").getAsDouble(), window));
    }
  }
}
