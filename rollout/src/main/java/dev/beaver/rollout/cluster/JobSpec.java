package dev.beaver.rollout.cluster;

import dev.beaver.actors.ClusterMessage;
import java.util.List;

/**
 * A job as it travels to every node: the command ({@code ppo}, {@code ppo-lag},
 * {@code ppo-reward-shaping}) and its command-line arguments. Each node turns it into the parts of
 * its roles with its {@link JobFactory}, reading models and data from the same paths (nodes share
 * a file system or an HF cache), so no model ever travels in a message.
 */
public record JobSpec(String command, List<String> args) implements ClusterMessage {
  public JobSpec {
    args = List.copyOf(args);
  }
}
