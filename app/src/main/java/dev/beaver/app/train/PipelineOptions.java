package dev.beaver.app.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How an RL command runs: on the actor pipeline (one JVM or a cluster) or in-process. */
public final class PipelineOptions {
  @Option(names = "--max_staleness", defaultValue = "1", description = "Learner versions a sample may lag behind the version that trains on it; 0 is synchronous and reproduces --in_process (default: ${DEFAULT-VALUE}).")
  public int maxStaleness;

  @Option(names = "--rollout_workers", defaultValue = "1", description = "Rollout workers (policy replicas) per rollout node (default: ${DEFAULT-VALUE}).")
  public int rolloutWorkers;

  @Option(names = "--is_truncation", defaultValue = "2.0", description = "Truncation c of the importance weight min(π_prox/π_behaviour, c) on stale samples (default: ${DEFAULT-VALUE}).")
  public double isTruncation;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --output_dir when there is one (as --resume_from_checkpoint OUTPUT_DIR/checkpoint-N); start fresh otherwise.")
  public boolean resume;

  @Option(names = "--in_process", description = "Run the synchronous in-process trainer instead of the actor pipeline (the reference trajectory).")
  public boolean inProcess;

  @Option(names = "--seed_nodes", description = "Run the job on the cluster of these seed nodes (host:port,...): this JVM joins as the coordinator; start the other nodes with 'beaver node'. Default: the configuration's seed nodes with --cluster_config, else the whole pipeline in this JVM.")
  public String seedNodes;

  @Option(names = "--node_port", description = "Cluster port of this (coordinator) node; give it when this node is a seed (default: the configuration's, else any free port).")
  public Integer nodePort;

  @Option(names = "--transport", description = "Artery transport of this node with --seed_nodes: aeron-udp, tcp or tls-tcp (default: the configuration's, aeron-udp).")
  public String transport;

  @Option(names = "--cluster_config", arity = "1..*", description = "Run on a cluster described by these configuration files (e.g. cluster-conf/coordinator.conf; later ones override earlier ones).")
  public List<Path> clusterConfig = new ArrayList<>();

  @Option(names = "--rollout_nodes", defaultValue = "1", description = "Rollout nodes the job waits for and uses (cluster only; default: ${DEFAULT-VALUE}).")
  public int rolloutNodes;

  @Option(names = "--scorer_nodes", defaultValue = "1", description = "Scorer nodes the job waits for and uses (cluster only; default: ${DEFAULT-VALUE}).")
  public int scorerNodes;

  @Option(names = "--learner_nodes", defaultValue = "1", description = "Learner nodes the job waits for and uses (cluster only): K > 1 trains data-parallel as a learner group, each shard one K-th of every micro-batch, AdamW state sharded (default: ${DEFAULT-VALUE}).")
  public int learnerNodes;

  @Option(names = "--worker_timeout", defaultValue = "900", description = "Seconds a rollout worker may hold a micro-batch without result before its work is dispatched again and the worker restarted; 0 turns the check off (default: ${DEFAULT-VALUE}).")
  public int workerTimeoutSeconds;

  @Option(names = "--wait_for_nodes", defaultValue = "300", description = "Seconds to wait for the cluster's nodes to join (default: ${DEFAULT-VALUE}).")
  public int waitForNodesSeconds;

  @Option(names = "--dashboard", arity = "0..1", fallbackValue = "127.0.0.1:0", paramLabel = "HOST:PORT", description = "Serve the job's live dashboard, Prometheus /metrics and /api JSON from this (the coordinator's) JVM at HOST:PORT; without a value 127.0.0.1 and a free port. The URL is printed at start (docs/monitoring.md).")
  public String dashboard;

  @Option(names = "--dashboard_token", description = "Require this token on the dashboard, /metrics and /api (?token=... or Authorization: Bearer ...).")
  public String dashboardToken;

  /** Whether the job runs on a cluster of other nodes (else the whole pipeline in this JVM). */
  public boolean clustered() {
    return seedNodes != null || !clusterConfig.isEmpty();
  }
}
