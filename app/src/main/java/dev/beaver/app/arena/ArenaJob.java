package dev.beaver.app.arena;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.checkpoint.TrainerState;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.io.HfHub;
import dev.beaver.models.tokenizer.Tokenizer;
import dev.beaver.rollout.ExperienceScorer;
import dev.beaver.rollout.LearnerActor;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.RunPlan;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's parts of an arena job: the corners' replicas for its rollout workers (fixed weights,
 * tagged {@link ArenaScorer#RED} or {@link ArenaScorer#BLUE}) and the arena's scorer (reward and
 * cost models). The job travels to the nodes as the four model flags ({@link #spec}); prompts and
 * sampling settings travel in the work items. Nothing is trained: there is no learner.
 */
final class ArenaJob implements JobParts {
  /** The command name of arena jobs. */
  static final String COMMAND = "arena";

  /** Worker indices from here on are the blue corner's; below, red's. */
  static final int BLUE_WORKERS = 1 << 20;

  private static final List<String> FLAGS = List.of("--red_corner_model_name_or_path",
      "--blue_corner_model_name_or_path", "--reward_model_name_or_path",
      "--cost_model_name_or_path");

  private final Map<String, String> models;
  private final NDManager manager = NDManager.newBaseManager();
  private final List<AutoCloseable> owned = new ArrayList<>();

  private ArenaJob(Map<String, String> models) {
    this.models = models;
  }

  /** The job's spec: the models of {@code config}. */
  static JobSpec spec(ArenaConfig config) {
    return new JobSpec(COMMAND, List.of(FLAGS.get(0), config.redModel(), FLAGS.get(1),
        config.blueModel(), FLAGS.get(2), config.rewardModel(), FLAGS.get(3),
        config.costModel()));
  }

  /**
   * The parts of an arena job spec.
   *
   * @throws IllegalArgumentException when it is not one {@link #spec} writes
   */
  static ArenaJob open(JobSpec spec) {
    if (!COMMAND.equals(spec.command()) || spec.args().size() != 2 * FLAGS.size()) {
      throw new IllegalArgumentException("not an arena job spec: " + spec);
    }
    Map<String, String> models = new LinkedHashMap<>();
    for (int i = 0; i < spec.args().size(); i += 2) {
      String flag = spec.args().get(i);
      if (!FLAGS.contains(flag) || models.put(flag, spec.args().get(i + 1)) != null) {
        throw new IllegalArgumentException("arena job: unexpected flag " + flag);
      }
    }
    return new ArenaJob(models);
  }

  @Override
  public synchronized ExperienceScorer scorer() {
    ScoreModel rm = own(ScoreModel.load(models.get(FLAGS.get(2)), manager));
    ScoreModel cm = own(ScoreModel.load(models.get(FLAGS.get(3)), manager));
    Tokenizer red = own(Tokenizer.loadWithSafeRlhfSpecials(
        HfHub.resolveModelDir(models.get(FLAGS.get(0)))));
    Tokenizer blue = own(Tokenizer.loadWithSafeRlhfSpecials(
        HfHub.resolveModelDir(models.get(FLAGS.get(1)))));
    return new ArenaScorer(rm, cm, red, blue);
  }

  @Override
  public CausalLm replica(int index) {
    // The worker owns (and closes) its replica.
    return CausalLm.load(models.get(FLAGS.get(index < BLUE_WORKERS ? 0 : 1)), manager);
  }

  @Override
  public RolloutStrategy strategy(int index) {
    return RolloutStrategy.sampling();
  }

  @Override
  public long fixedWeightsVersion(int index) {
    return index < BLUE_WORKERS ? ArenaScorer.RED : ArenaScorer.BLUE;
  }

  @Override
  public RunPlan plan() {
    throw new UnsupportedOperationException("an arena job's rounds are its driver's");
  }

  @Override
  public PipelineSettings pipeline() {
    throw new UnsupportedOperationException("an arena job has no learner");
  }

  @Override
  public LearnerActor.Models learner() {
    throw new UnsupportedOperationException("an arena job has no learner");
  }

  @Override
  public void finishLearner(TrainerState state) {
    throw new UnsupportedOperationException("an arena job has no learner");
  }

  private <T extends AutoCloseable> T own(T t) {
    owned.add(t);
    return t;
  }

  @Override
  public synchronized void close() {
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
