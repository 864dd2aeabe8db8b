package dev.beaver.app.arena;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code beaver arena}: safe-rlhf's {@code evaluate.arena}. Red and blue answer every prompt,
 * the reward and cost models score the answers; writes {@code OUTPUT_DIR/<red>_vs_<blue>/}
 * {@code table.csv} and {@code summary.json} and prints the tables (see {@link Arena}).
 */
@Command(
    name = "arena",
    mixinStandardHelpOptions = true,
    description = {
      "Arena evaluation (safe-rlhf evaluate.arena): two models answer the same prompts, a reward",
      "and a cost model score the answers. Generation runs on rollout-worker actors",
      "(--rollout_workers per corner). Writes OUTPUT_DIR/<red>_vs_<blue>/table.csv and",
      "summary.json (average reward and cost, better/worse x safe/unsafe counts, the 2x2",
      "safe/unsafe table with blue's win rate per cell)."
    })
public final class ArenaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--red_corner_model_name_or_path", required = true,
      description = "The red corner's model (folder or hub id).")
  String red;

  @Option(names = "--blue_corner_model_name_or_path", required = true,
      description = "The blue corner's model (folder or hub id).")
  String blue;

  @Option(names = "--reward_model_name_or_path", required = true,
      description = "The reward model scoring both corners.")
  String rewardModel;

  @Option(names = "--cost_model_name_or_path", required = true,
      description = "The cost model scoring both corners (cost <= 0 is safe).")
  String costModel;

  @Option(names = "--datasets", required = true, arity = "1..*",
      description = "PromptOnly DATASET[:PROPORTION[:PATH]] specs, e.g. PKU-SafeRLHF/test.")
  List<String> datasets = new ArrayList<>();

  @Option(names = "--column_map", paramLabel = "FIELD=COLUMN,...",
      description = "Column mapping for jsonl/json/parquet datasets, e.g. input=question.")
  String columnMap;

  @Option(names = "--max_length", defaultValue = "512",
      description = "Total length (prompt + response) of generation (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--max_new_tokens", defaultValue = "0",
      description = "Beaver: also bound each response to this many tokens (0: no bound).")
  int maxNewTokens;

  @Option(names = "--per_device_eval_batch_size", defaultValue = "16",
      description = "Prompts per generation batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--output_dir", required = true,
      description = "Folder of the results (OUTPUT_DIR/<red>_vs_<blue>/).")
  Path outputDir;

  @Option(names = "--rollout_workers", defaultValue = "2",
      description = "Rollout workers per corner, each with its own replica (default: "
          + "${DEFAULT-VALUE}); the results do not depend on it.")
  int rolloutWorkers;

  @Option(names = "--seed_nodes", description = "Run on the cluster of these seed nodes"
      + " (host:port,...): this JVM joins as the coordinator; generation runs on --rollout_nodes"
      + " rollout nodes and scoring on a scorer node started with 'beaver node'. Default: all"
      + " in this JVM.")
  String seedNodes;

  @Option(names = "--rollout_nodes", defaultValue = "1", description = "Rollout nodes to use with"
      + " --seed_nodes, --rollout_workers per corner on each (default: ${DEFAULT-VALUE}).")
  int rolloutNodes;

  @Option(names = "--node_port", description = "Cluster port of this node with --seed_nodes"
      + " (default: any free port).")
  Integer nodePort;

  @Option(names = "--transport", description = "Artery transport with --seed_nodes: aeron-udp,"
      + " tcp or tls-tcp (default: the configuration's).")
  String transport;

  @Option(names = "--wait_for_nodes", defaultValue = "300", description = "Seconds to wait for"
      + " the nodes with --seed_nodes (default: ${DEFAULT-VALUE}).")
  int waitForNodesSeconds;

  @Option(names = "--fp16", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "Accepted; models run in float32.")
  boolean fp16;

  @Option(names = "--bf16", arity = "0..1", fallbackValue = "true", defaultValue = "false",
      description = "Accepted; models run in float32.")
  boolean bf16;

  @Option(names = "--tf32", arity = "0..1", fallbackValue = "true",
      description = "Accepted for compatibility.")
  Boolean tf32;

  @Option(names = "--zero_stage", defaultValue = "0",
      description = "Accepted for compatibility (DeepSpeed ZeRO).")
  int zeroStage;

  @Option(names = "--offload", defaultValue = "none",
      description = "Accepted for compatibility (DeepSpeed offload).")
  String offload;

  @Override
  public Integer call() {
    if (fp16 && bf16) {
      throw new ParameterException(spec.commandLine(), "--fp16 and --bf16 are mutually exclusive");
    }
    ArenaConfig config;
    ArenaCluster cluster;
    try {
      config = new ArenaConfig(red, blue, rewardModel, costModel, datasets, columnMap, maxLength,
          maxNewTokens, batchSize, seed, rolloutWorkers, outputDir, List.of());
      cluster = seedNodes == null ? null : new ArenaCluster(seedNodes, nodePort, transport,
          rolloutNodes, java.time.Duration.ofSeconds(Math.max(1, waitForNodesSeconds)));
      if (cluster != null) {
        cluster.coordinator(dev.beaver.actors.node.NodeSettings.fromRoot(
            dev.beaver.actors.node.ClusterConf.load(List.of())));
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    long t0 = System.nanoTime();
    ArenaResult result = Arena.run(config, cluster);
    ArenaReport.print(spec.commandLine().getOut(), result);
    var err = spec.commandLine().getErr();
    err.printf("arena: %d prompts in %.1f s, %d rollout worker(s) per corner; results in %s%n",
        result.rows().size(), (System.nanoTime() - t0) / 1e9, rolloutWorkers,
        outputDir.resolve(config.matchName()));
    err.flush();
    return 0;
  }
}
