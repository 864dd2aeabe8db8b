package dev.beaver.rollout.cluster;

/**
 * Turns a {@link JobSpec} into {@link JobParts} on a node ({@code beaver}'s RL commands parse the
 * arguments exactly as on the command line).
 *
 * @throws IllegalArgumentException when the job's arguments are invalid (the error names the flag)
 */
@FunctionalInterface
public interface JobFactory {
  JobParts open(JobSpec spec);
}
