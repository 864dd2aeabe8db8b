package dev.beaver.app.train;

import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.rollout.ExperienceScorer;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.cluster.JobFactory;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The Java API's entry to RL jobs: the parts of a {@code ppo}, {@code ppo-lag} or
 * {@code ppo-reward-shaping} run from the same flags as the command line, with optional
 * plug-ins — a {@link RolloutStrategy} per worker, a wrapper around the scorer's
 * {@link ExperienceScorer}, and a listener that sees every step's metrics. See docs/api.md.
 */
public final class RlJobs {
  private RlJobs() {}

  /**
   * The plug-ins of a job.
   *
   * @param strategies the rollout strategy of each worker
   * @param scorer wraps (or replaces) the default scorer of the frozen models
   * @param progress gets every training step's metrics (safe-rlhf's names) after the run's logs
   */
  public record Plugins(RolloutStrategy.Factory strategies, UnaryOperator<ExperienceScorer> scorer,
      SupervisedLoop.Listener progress) {
    /** Plain sampling, the frozen models' scores, no extra listener. */
    public static final Plugins NONE = new Plugins(i -> RolloutStrategy.sampling(),
        UnaryOperator.identity(), (m, s) -> { });

    public Plugins {
      Objects.requireNonNull(strategies, "strategies");
      Objects.requireNonNull(scorer, "scorer");
      Objects.requireNonNull(progress, "progress");
    }

    public Plugins withStrategies(RolloutStrategy.Factory f) {
      return new Plugins(f, scorer, progress);
    }

    public Plugins withScorer(UnaryOperator<ExperienceScorer> s) {
      return new Plugins(strategies, s, progress);
    }

    public Plugins withProgress(SupervisedLoop.Listener l) {
      return new Plugins(strategies, scorer, l);
    }
  }

  /** A node's factory that opens every job with {@code plugins}. */
  public static JobFactory factory(Plugins plugins) {
    return spec -> open(spec, plugins);
  }

  /**
   * The parts of {@code spec} with {@code plugins}.
   *
   * @throws IllegalArgumentException when the command or a flag is invalid (the message names it)
   */
  public static JobParts open(JobSpec spec, Plugins plugins) {
    RlCommand cmd = parse(spec);
    return new RlJob(cmd, cmd.settings(), plugins);
  }

  /** The command of {@code spec}, parsed exactly as on the command line. */
  private static RlCommand parse(JobSpec spec) {
    RlCommand cmd = switch (spec.command()) {
      case "ppo" -> new PpoCommand();
      case "ppo-lag" -> new PpoLagCommand();
      case "ppo-reward-shaping" -> new PpoRewardShapingCommand();
      default -> throw new IllegalArgumentException("unknown job command '" + spec.command()
          + "', expected ppo, ppo-lag or ppo-reward-shaping");
    };
    try {
      new picocli.CommandLine(cmd).parseArgs(spec.args().toArray(new String[0]));
      cmd.settings();
      return cmd;
    } catch (picocli.CommandLine.ParameterException e) {
      throw new IllegalArgumentException(spec.command() + ": " + e.getMessage(), e);
    }
  }

  /** Both listeners, {@code first} first. */
  static SupervisedLoop.Listener both(SupervisedLoop.Listener first,
      SupervisedLoop.Listener second) {
    return new SupervisedLoop.Listener() {
      @Override
      public void accept(Map<String, Double> metrics, Long step) {
        first.accept(metrics, step);
        second.accept(metrics, step);
      }

      @Override
      public void progress(long step, long total, Map<String, Double> metrics) {
        first.progress(step, total, metrics);
        second.progress(step, total, metrics);
      }
    };
  }
}
