package dev.beaver.app.train;

import ai.djl.ndarray.NDManager;
import dev.beaver.app.dashboard.JobMonitoring;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.DatasetLoader;
import dev.beaver.data.PromptOnlyBatch;
import dev.beaver.data.PromptOnlySample;
import dev.beaver.learner.checkpoint.Checkpoints;
import dev.beaver.learner.checkpoint.TrainerState;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.shard.GroupMember;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.config.ScoreConfig.ScoreType;
import dev.beaver.models.io.Dtype;
import dev.beaver.models.io.HfHub;
import dev.beaver.models.tokenizer.Tokenizer;
import dev.beaver.rollout.ExperienceScorer;
import dev.beaver.rollout.LearnerActor;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.RunPlan;
import dev.beaver.rollout.Scorer;
import dev.beaver.rollout.cluster.JobParts;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of one RL command's run, built on demand per role from the parsed command: the
 * coordinator loads only the tokenizer and the prompts, a scorer the frozen models, a rollout node
 * one policy replica per worker, the learner the actor, critics and run logs.
 */
final class RlJob implements JobParts {
  private final RlCommand cmd;
  private final RlSettings settings;
  private final NDManager manager = NDManager.newBaseManager();
  private final List<AutoCloseable> owned = new ArrayList<>();
  private DatasetLoader.TrainEval<PromptOnlySample, PromptOnlyBatch> prompts;
  private RunPlan plan;
  private TrainingSession session;
  private LearnerActor.Models learner;
  private boolean closed;

  private final RlJobs.Plugins plugins;

  RlJob(RlCommand cmd, RlSettings settings) {
    this(cmd, settings, RlJobs.Plugins.NONE);
  }

  RlJob(RlCommand cmd, RlSettings settings, RlJobs.Plugins plugins) {
    this.cmd = cmd;
    this.settings = settings;
    this.plugins = plugins;
  }

  private DatasetLoader.TrainEval<PromptOnlySample, PromptOnlyBatch> prompts() {
    if (prompts == null) {
      try (Tokenizer tok = Tokenizer.loadWithSafeRlhfSpecials(
          HfHub.resolveModelDir(cmd.actorModel))) {
        prompts = TrainingSession.loadDatasets(DatasetKind.PROMPT_ONLY, tok, cmd.common);
      }
    }
    return prompts;
  }

  @Override
  public synchronized RunPlan plan() {
    if (plan == null) {
      plan = RunPlan.of(settings, RlCommand.promptBatches(prompts().train(), cmd.promptBatchSize,
          cmd.common.seed));
    }
    return plan;
  }

  @Override
  public java.nio.file.Path latestCheckpoint() {
    return Checkpoints.latest(cmd.common.outputDir);
  }

  @Override
  public TrainerState resumeState() {
    return cmd.common.resumeFromCheckpoint == null ? null
        : Checkpoints.readState(cmd.common.resumeFromCheckpoint);
  }

  @Override
  public PipelineSettings pipeline() {
    PipelineOptions p = cmd.pipeline;
    // The buffer holds the rounds a sample may lag behind plus the one being consumed.
    return new PipelineSettings(p.maxStaleness, (p.maxStaleness + 1) * plan().maxItemsPerRound(),
        p.rolloutWorkers, p.isTruncation);
  }

  @Override
  public synchronized LearnerActor.Models learner() {
    return learner(null);
  }

  /**
   * The learner's models; with a group {@code member} of rank r &gt; 0 no run logs are opened
   * (the leader, rank 0, writes them) and the trainer's metrics go nowhere.
   */
  @Override
  public synchronized LearnerActor.Models learner(GroupMember member) {
    if (learner == null) {
      RlSettings.Algorithm algo = settings.algorithm();
      boolean leader = member == null || member.rank() == 0;
      SupervisedLoop.Listener listener = (metrics, step) -> { };
      if (leader) {
        session = new TrainingSession(cmd.spec, cmd.common, algo.trainingType());
        listener = RlJobs.both(RlJobs.both(session.listener(algo.trainingType(),
            "train/reward", "train/cost", "train/lambda", "train/kl_divergence"),
            JobMonitoring.listener(algo == RlSettings.Algorithm.PPO_LAG ? settings.threshold()
                : Double.NaN)), plugins.progress());
      } else {
        // The same seed as the leader's session: every shard starts from the same state.
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) cmd.common.seed);
      }
      java.nio.file.Path resume = cmd.common.resumeFromCheckpoint;
      String critic = cmd.rewardCriticModel == null ? cmd.rewardModel : cmd.rewardCriticModel;
      String costCritic = cmd.costCriticModel() == null ? cmd.costModel() : cmd.costCriticModel();
      CausalLm actor = own(CausalLm.load(TrainingSession.modelPath(resume, "actor", cmd.actorModel), manager));
      CausalLm ref = own(CausalLm.load(cmd.actorModel, manager));
      ScoreModel rm = own(ScoreModel.load(cmd.rewardModel, manager));
      ScoreModel cm = cmd.costModel() == null ? null : own(ScoreModel.load(cmd.costModel(),
          manager));
      ScoreModel rc = own(ScoreModel.load(TrainingSession.modelPath(resume, "reward_critic", critic), manager,
          ScoreType.CRITIC, cmd.common.seed));
      ScoreModel cc = algo == RlSettings.Algorithm.PPO_LAG ? own(ScoreModel.load(
          TrainingSession.modelPath(resume, "cost_critic", costCritic), manager, ScoreType.CRITIC,
          cmd.common.seed)) : null;
      cmd.configureScoreModels(rm, cm);
      RlTrainer trainer = new RlTrainer(settings, actor, ref, rm, cm, rc, cc, manager, listener,
          member);
      cmd.addPtx(trainer, actor);
      List<List<int[]>> eval = prompts().eval() == null || !leader ? null
          : RlCommand.promptBatches(prompts().eval(), cmd.evalBatchSize, -1);
      learner = new LearnerActor.Models(trainer, actor, rc, cc, eval, resume);
    }
    return learner;
  }

  @Override
  public void finishLearner(TrainerState state) {
    learner.actor().save(cmd.common.outputDir, cmd.common.save16bit ? Dtype.F16 : Dtype.F32);
    if (session != null) {
      session.close();
      session = null;
    }
  }

  @Override
  public synchronized ExperienceScorer scorer() {
    CausalLm ref = own(CausalLm.load(cmd.actorModel, manager));
    ScoreModel rm = own(ScoreModel.load(cmd.rewardModel, manager));
    ScoreModel cm = cmd.costModel() == null ? null : own(ScoreModel.load(cmd.costModel(),
        manager));
    cmd.configureScoreModels(rm, cm);
    double nu = settings.algorithm() == RlSettings.Algorithm.REWARD_SHAPING
        ? settings.lambdaInit() : Double.NaN;
    // Monitoring wraps the plug-in too: the dashboard sees what the job trains on.
    return JobMonitoring.scorer(plugins.scorer().apply(
        ExperienceScorer.of(new Scorer.Models(ref.tokenizer(), ref, rm, cm, nu))),
        ref.tokenizer());
  }

  @Override
  public CausalLm replica(int index) {
    // The worker owns (and closes) its replica.
    return CausalLm.load(cmd.actorModel, manager);
  }

  @Override
  public RolloutStrategy strategy(int index) {
    return JobMonitoring.strategy(plugins.strategies().create(index));
  }

  private <T extends AutoCloseable> T own(T t) {
    owned.add(t);
    return t;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (session != null) {
      session.close();
    }
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        // Closing native memory; nothing to recover.
      }
    }
    manager.close();
  }
}
