package dev.beaver.app.train;

import dev.beaver.rollout.cluster.JobFactory;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import picocli.CommandLine;

/**
 * A node's {@link JobFactory} for {@code ppo}, {@code ppo-lag} and {@code ppo-reward-shaping}:
 * the job's arguments are parsed exactly as on the command line.
 */
public final class RlJobFactory implements JobFactory {

  @Override
  public JobParts open(JobSpec spec) {
    RlCommand cmd = parse(spec);
    return new RlJob(cmd, cmd.settings());
  }

  /** The parsed command of {@code spec}; invalid flags throw IllegalArgumentException. */
  static RlCommand parse(JobSpec spec) {
    RlCommand cmd = switch (spec.command()) {
      case "ppo" -> new PpoCommand();
      case "ppo-lag" -> new PpoLagCommand();
      case "ppo-reward-shaping" -> new PpoRewardShapingCommand();
      default -> throw new IllegalArgumentException("unknown job command '" + spec.command()
          + "', expected ppo, ppo-lag or ppo-reward-shaping");
    };
    CommandLine cl = new CommandLine(cmd);
    try {
      cl.parseArgs(spec.args().toArray(new String[0]));
      cmd.settings();
      return cmd;
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(spec.command() + ": " + e.getMessage(), e);
    }
  }
}
