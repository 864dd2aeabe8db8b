package dev.beaver.app.train;

import ai.djl.ndarray.NDManager;
import dev.beaver.data.DatasetKind;
import dev.beaver.data.DatasetLoader;
import dev.beaver.data.PromptOnlyBatch;
import dev.beaver.data.PromptOnlySample;
import dev.beaver.data.SupervisedBatch;
import dev.beaver.data.SupervisedSample;
import dev.beaver.data.TokenizedDataset;
import dev.beaver.learner.math.KlSplit;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.train.Batches;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.config.ScoreConfig.ScoreType;
import dev.beaver.models.io.Dtype;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags and the run of safe-rlhf's RL stages (§1.4–1.6); {@code ppo}, {@code ppo-lag} and
 * {@code ppo-reward-shaping} differ in which models they load and in a few defaults.
 */
public abstract class RlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonTrainingOptions common;
  @Mixin PipelineOptions pipeline;

  @Option(names = "--actor_model_name_or_path", required = true, description = "The policy to train (usually the SFT model).")
  String actorModel;

  @Option(names = "--reward_model_name_or_path", required = true, description = "The reward model.")
  String rewardModel;

  @Option(names = "--reward_critic_model_name_or_path", description = "Initial reward critic (default: the reward model).")
  String rewardCriticModel;

  @Option(names = "--kl_coeff", description = "KL penalty coefficient β (default: 0.02; ppo-lag scripts use 0.01).")
  Double klCoeff;

  @Option(names = "--kl_split_half", description = "Old (before PR #173) PPO-Lag KL: −½β on rewards and +½β on costs.")
  boolean klSplitHalf;

  @Option(names = "--clip_range_ratio", defaultValue = "0.2", description = "PPO ratio clip ε (default: ${DEFAULT-VALUE}).")
  double clipRangeRatio;

  @Option(names = "--clip_range_score", defaultValue = "50.0", description = "Per-token reward clip (default: ${DEFAULT-VALUE}).")
  double clipRangeScore;

  @Option(names = "--clip_range_value", defaultValue = "5.0", description = "Critic value clip (default: ${DEFAULT-VALUE}).")
  double clipRangeValue;

  @Option(names = "--ptx_coeff", defaultValue = "0.0", description = "Weight of the PTX (SFT) loss (default: ${DEFAULT-VALUE}).")
  double ptxCoeff;

  @Option(names = "--ptx_datasets", arity = "0..*", description = "SFT datasets mixed into actor updates.")
  List<String> ptxDatasets = new ArrayList<>();

  @Option(names = "--gamma", defaultValue = "1.0", description = "GAE discount γ (upstream hard-codes 1.0).")
  double gamma;

  @Option(names = "--gae_lambda", defaultValue = "0.95", description = "GAE trace decay (upstream hard-codes 0.95).")
  double gaeLambda;

  @Option(names = "--epochs", defaultValue = "1", description = "Passes over the prompts (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--update_iters", defaultValue = "1", description = "Update passes per rollout (default: ${DEFAULT-VALUE}).")
  int updateIters;

  @Option(names = "--per_device_prompt_batch_size", defaultValue = "16", description = "Prompts per rollout (default: ${DEFAULT-VALUE}).")
  int promptBatchSize;

  @Option(names = "--per_device_train_batch_size", defaultValue = "16", description = "RL micro-batch size (default: ${DEFAULT-VALUE}).")
  int trainBatchSize;

  @Option(names = "--per_device_eval_batch_size", defaultValue = "16", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
  int evalBatchSize;

  @Option(names = "--gradient_accumulation_steps", defaultValue = "1", description = "Micro-batches per update (default: ${DEFAULT-VALUE}).")
  int gradientAccumulationSteps;

  @Option(names = "--actor_lr", defaultValue = "1e-5", description = "Actor learning rate (default: ${DEFAULT-VALUE}).")
  double actorLr;

  @Option(names = "--actor_weight_decay", defaultValue = "0.0", description = "Actor weight decay (default: ${DEFAULT-VALUE}).")
  double actorWeightDecay;

  @Option(names = "--actor_lr_scheduler_type", defaultValue = "cosine", description = "Actor schedule (default: ${DEFAULT-VALUE}).")
  String actorScheduler;

  @Option(names = "--actor_lr_warmup_ratio", defaultValue = "0.0", description = "Actor warmup ratio (default: ${DEFAULT-VALUE}).")
  double actorWarmup;

  @Option(names = "--actor_gradient_checkpointing", description = "Accepted for compatibility.")
  boolean actorGradientCheckpointing;

  @Option(names = "--critic_lr", defaultValue = "5e-6", description = "Critic learning rate (default: ${DEFAULT-VALUE}).")
  double criticLr;

  @Option(names = "--critic_weight_decay", defaultValue = "0.0", description = "Critic weight decay (default: ${DEFAULT-VALUE}).")
  double criticWeightDecay;

  @Option(names = "--critic_lr_scheduler_type", defaultValue = "cosine", description = "Critic schedule (default: ${DEFAULT-VALUE}).")
  String criticScheduler;

  @Option(names = "--critic_lr_warmup_ratio", defaultValue = "0.0", description = "Critic warmup ratio (default: ${DEFAULT-VALUE}).")
  double criticWarmup;

  @Option(names = "--critic_gradient_checkpointing", description = "Accepted for compatibility.")
  boolean criticGradientCheckpointing;

  @Option(names = "--normalize_reward", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "Normalise reward-model end scores with its running statistics.")
  boolean normalizeReward;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top_p", defaultValue = "1.0", description = "Nucleus mass (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--top_k", defaultValue = "50", description = "Top-k (HF's default 50).")
  int topK;

  @Option(names = "--num_return_sequences", defaultValue = "1", description = "Responses per prompt (default: ${DEFAULT-VALUE}).")
  int numReturnSequences;

  @Option(names = "--repetition_penalty", defaultValue = "1.0", description = "Repetition penalty (default: ${DEFAULT-VALUE}).")
  double repetitionPenalty;

  /** The algorithm of the subcommand. */
  abstract RlSettings.Algorithm algorithm();

  /** Cost model path, or null (PPO). */
  String costModel() {
    return null;
  }

  String costCriticModel() {
    return null;
  }

  boolean normalizeCost() {
    return false;
  }

  double threshold() {
    return 0.0;
  }

  double lambdaInit() {
    return 1.0;
  }

  double lambdaLr() {
    return 0.1;
  }

  OptionalDouble lambdaMax() {
    return OptionalDouble.empty();
  }

  long lambdaUpdateDelaySteps() {
    return 0;
  }

  int episodeCostWindowSize() {
    return 128;
  }

  double defaultKlCoeff() {
    return 0.02;
  }

  @Override
  public Integer call() {
    if (pipeline.resume && common.resumeFromCheckpoint == null && common.outputDir != null) {
      common.resumeFromCheckpoint =
          dev.beaver.learner.checkpoint.Checkpoints.latest(common.outputDir);
      spec.commandLine().getErr().println(common.resumeFromCheckpoint == null
          ? "note: --resume: no checkpoint in " + common.outputDir + " yet; starting fresh"
          : "resuming from " + common.resumeFromCheckpoint);
    }
    RlSettings settings = settings();
    if (pipeline.inProcess) {
      return runInProcess(settings);
    }
    validatePipeline();
    try (RlJob job = new RlJob(this, settings)) {
      return PipelineRun.run(this, job);
    }
  }

  /** The RL settings of the parsed flags; a bad combination is a command-line error. */
  RlSettings settings() {
    RlSettings.Algorithm algo = algorithm();
    try {
      return new RlSettings(algo, klCoeff == null ? defaultKlCoeff() : klCoeff,
          klSplitHalf ? KlSplit.HALF : KlSplit.FULL, clipRangeRatio, clipRangeScore,
          clipRangeValue, gamma, gaeLambda, ptxCoeff, epochs, updateIters, promptBatchSize,
          trainBatchSize, gradientAccumulationSteps, actorLr, actorWeightDecay, actorScheduler,
          actorWarmup, criticLr, criticWeightDecay, criticScheduler, criticWarmup, temperature,
          topP, topK, numReturnSequences, repetitionPenalty, common.maxLength, threshold(),
          lambdaInit(), lambdaLr(), lambdaMax(), lambdaUpdateDelaySteps(),
          episodeCostWindowSize(), 1.0, common.saveInterval, common.needEval,
          common.evalStrategy, common.evalInterval, common.outputDir, common.seed);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private void validatePipeline() {
    PipelineOptions p = pipeline;
    String bad = null;
    if (p.maxStaleness < 0) {
      bad = "--max_staleness must be >= 0, got " + p.maxStaleness;
    } else if (p.rolloutWorkers < 1) {
      bad = "--rollout_workers must be >= 1, got " + p.rolloutWorkers;
    } else if (!(p.isTruncation > 0)) {
      bad = "--is_truncation must be > 0, got " + p.isTruncation;
    } else if (p.rolloutNodes < 1 || p.scorerNodes < 1 || p.learnerNodes < 1) {
      bad = "--rollout_nodes, --scorer_nodes and --learner_nodes must be >= 1";
    } else if (p.learnerNodes > 1 && !p.clustered()) {
      bad = "--learner_nodes " + p.learnerNodes + " needs a cluster: give --seed_nodes (or"
          + " --cluster_config) and start the learner nodes with 'beaver node --role learner'";
    } else if (p.workerTimeoutSeconds < 0) {
      bad = "--worker_timeout must be >= 0 seconds (0: off)";
    } else if (p.waitForNodesSeconds < 1) {
      bad = "--wait_for_nodes must be >= 1 second";
    }
    if (bad != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), bad);
    }
  }

  /** The synchronous in-process trainer (safe-rlhf's loop), the pipeline's reference. */
  private Integer runInProcess(RlSettings settings) {
    RlSettings.Algorithm algo = settings.algorithm();
    String critic = rewardCriticModel == null ? rewardModel : rewardCriticModel;
    String costCritic = costCriticModel() == null ? costModel() : costCriticModel();
    try (TrainingSession session = new TrainingSession(spec, common, algo.trainingType());
        NDManager m = NDManager.newBaseManager();
        CausalLm actor = CausalLm.load(session.modelPath("actor", actorModel), m);
        CausalLm ref = CausalLm.load(actorModel, m);
        ScoreModel rm = ScoreModel.load(rewardModel, m);
        ScoreModel cm = costModel() == null ? null : ScoreModel.load(costModel(), m);
        ScoreModel rc = ScoreModel.load(session.modelPath("reward_critic", critic), m,
            ScoreType.CRITIC, common.seed);
        ScoreModel cc = algo == RlSettings.Algorithm.PPO_LAG
            ? ScoreModel.load(session.modelPath("cost_critic", costCritic), m, ScoreType.CRITIC,
                common.seed)
            : null) {
      configureScoreModels(rm, cm);
      DatasetLoader.TrainEval<PromptOnlySample, PromptOnlyBatch> data =
          session.datasets(DatasetKind.PROMPT_ONLY, actor.tokenizer());
      List<List<int[]>> prompts = promptBatches(data.train(), promptBatchSize, common.seed);
      List<List<int[]>> evalPrompts = data.eval() == null ? null
          : promptBatches(data.eval(), evalBatchSize, -1);
      RlTrainer trainer = new RlTrainer(settings, actor, ref, rm, cm, rc, cc, m,
          session.listener(algo.trainingType(), "train/reward", "train/cost", "train/lambda",
              "train/kl_divergence"));
      addPtx(trainer, actor);
      trainer.run(prompts, evalPrompts, session.resume());
      actor.save(common.outputDir, common.save16bit ? Dtype.F16 : Dtype.F32);
    }
    return 0;
  }

  /** Reward (and cost) model normalisation as the flags ask. */
  void configureScoreModels(ScoreModel rm, ScoreModel cm) {
    setNormalize(rm, normalizeReward);
    if (cm != null) {
      setNormalize(cm, normalizeCost());
    }
  }

  /** PTX batches for the trainer when {@code --ptx_coeff} and {@code --ptx_datasets} ask. */
  void addPtx(RlTrainer trainer, CausalLm actor) {
    if (ptxCoeff > 0 && !ptxDatasets.isEmpty()) {
      trainer.setPtxBatches(ptxBatches(actor));
    }
  }

  private static void setNormalize(ScoreModel model, boolean on) {
    // safe-rlhf's set_normalize: end scores are normalised only when the flag asks for it.
    model.setNormalize(on);
  }

  private List<SupervisedBatch> ptxBatches(CausalLm actor) {
    CommonTrainingOptions ptx = new CommonTrainingOptions();
    ptx.trainDatasets = ptxDatasets;
    ptx.maxLength = common.maxLength;
    ptx.seed = common.seed;
    ptx.columnMap = common.columnMap;
    ptx.skipInvalidRows = common.skipInvalidRows;
    ptx.evalStrategy = "epoch";
    TokenizedDataset<SupervisedSample, SupervisedBatch> data =
        TrainingSession.loadDatasets(DatasetKind.SFT, actor.tokenizer(), ptx).train();
    return Batches.shuffled(data, trainBatchSize, common.seed);
  }

  /** Prompt batches as unpadded token ids, shuffled with {@code seed} (or in order when < 0). */
  static List<List<int[]>> promptBatches(TokenizedDataset<PromptOnlySample, PromptOnlyBatch> data,
      int batchSize, long seed) {
    int[] order = seed < 0 ? identity(data.size()) : Batches.permutation(data.size(), seed);
    List<List<int[]>> out = new ArrayList<>();
    for (int i = 0; i < order.length; i += batchSize) {
      List<int[]> batch = new ArrayList<>();
      for (int j = i; j < Math.min(order.length, i + batchSize); j++) {
        batch.add(data.get(order[j]).inputIds());
      }
      out.add(batch);
    }
    return out;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
