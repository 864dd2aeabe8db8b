package dev.beaver.actors.monitor;

import dev.beaver.actors.ClusterMessage;
import java.util.List;
import java.util.Map;

/**
 * What one node reports to the job's aggregator every report interval: its instrumented actors,
 * the training steps and samples recorded since its last report, and its JVM's health. A few
 * kilobytes for a node of a dozen actors; sample text is cut to {@code max-sample-chars}.
 *
 * @param node the node's address ({@code pekko://beaver@host:port})
 * @param roles the node's cluster roles
 * @param timeMs when the snapshot was taken (epoch milliseconds, the node's clock)
 * @param windowSeconds the time the windowed figures cover (since the previous snapshot)
 * @param heapUsedBytes JVM heap in use
 * @param heapMaxBytes JVM heap limit
 * @param systemLoad the one-minute load average of the host (−1 where unknown)
 * @param processors available processors
 * @param actors every instrumented actor of the node, stopped ones included until evicted
 * @param training training steps recorded since the previous snapshot (the learner's node)
 * @param samples recent samples (scorer nodes)
 */
public record NodeSnapshot(String node, List<String> roles, long timeMs, double windowSeconds,
    long heapUsedBytes, long heapMaxBytes, double systemLoad, int processors,
    List<ActorStats> actors, List<TrainingStep> training, List<Sample> samples)
    implements MonitorAggregator.Command, ClusterMessage {
  public NodeSnapshot {
    roles = List.copyOf(roles);
    actors = List.copyOf(actors);
    training = List.copyOf(training);
    samples = List.copyOf(samples);
  }

  /**
   * One actor's figures. Totals are since the actor started; {@code window*} and the
   * percentiles cover the last report window.
   *
   * @param path the actor's path without the address
   * @param name the actor's name
   * @param role its role label: rollout, scorer, learner, coordinator or node
   * @param alive false once it stopped
   * @param messages messages processed
   * @param failures exceptions thrown by its behaviour
   * @param restarts restarts by its supervisor
   * @param mailboxDepth messages waiting (−1: not on the counting mailbox)
   * @param windowMessages messages processed in the window
   * @param busySeconds total processing time
   * @param p50Ms median processing time in the window (NaN: no message)
   * @param p95Ms 95th percentile in the window
   * @param p99Ms 99th percentile in the window
   * @param counters the role's counters (totals), e.g. {@code rollout_tokens_total}
   * @param rates the same counters per second over the window
   * @param gauges the role's gauges, e.g. {@code generation_batch_size}
   */
  public record ActorStats(String path, String name, String role, boolean alive, long messages,
      long failures, long restarts, int mailboxDepth, long windowMessages, double busySeconds,
      double p50Ms, double p95Ms, double p99Ms, Map<String, Double> counters,
      Map<String, Double> rates, Map<String, Double> gauges) {
    public ActorStats {
      counters = Map.copyOf(counters);
      rates = Map.copyOf(rates);
      gauges = Map.copyOf(gauges);
    }
  }

  /** One optimizer step's metrics under safe-rlhf's names ({@code train/reward}, ...). */
  public record TrainingStep(long step, long timeMs, Map<String, Double> metrics) {
    public TrainingStep {
      metrics = Map.copyOf(metrics);
    }
  }

  /**
   * One scored sample, decoded.
   *
   * @param version the policy version that generated it
   * @param cost NaN without a cost model
   */
  public record Sample(long timeMs, long version, String prompt, String response, double reward,
      double cost) {}
}
