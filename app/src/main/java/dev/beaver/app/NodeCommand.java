package dev.beaver.app;

import com.typesafe.config.Config;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.SeedNodes;
import dev.beaver.actors.node.Transport;
import dev.beaver.app.train.RlJobs;
import dev.beaver.rollout.cluster.NodeServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code beaver node}: one cluster node. Rollout, scorer and learner nodes serve the parts of the
 * jobs that a coordinator ({@code beaver ppo-lag ... --seed_nodes ...}) runs on the cluster; a
 * coordinator node started here is a seed that other nodes and jobs join. Runs until stopped
 * (SIGTERM or SIGINT leave the cluster gracefully).
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start a Beaver cluster node and serve jobs until stopped.",
      "Example: beaver node --role rollout --config cluster-conf/rollout.conf --seed_nodes 10.0.0.1:2551"})
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--role", required = true, split = ",", description = "Roles of this node: coordinator, rollout, scorer, learner (comma-separated).")
  List<String> roles = new ArrayList<>();

  @Option(names = "--config", arity = "1..*", description = "Cluster configuration files (cluster-conf/*.conf); later ones override earlier ones.")
  List<Path> config = new ArrayList<>();

  @Option(names = "--seed_nodes", description = "Seed nodes to join, host:port,... (overrides the configuration's seed-nodes).")
  String seedNodes;

  @Option(names = "--port", description = "Cluster port of this node (default: the configuration's; 0 picks a free one).")
  Integer port;

  @Option(names = "--hostname", description = "Address other nodes reach this node at (default: the configuration's).")
  String hostname;

  @Option(names = "--transport", description = "Artery transport: aeron-udp, tcp or tls-tcp (default: the configuration's).")
  String transport;

  @Override
  public Integer call() throws Exception {
    Config conf;
    NodeSettings settings;
    try {
      Set<Role> parsed = EnumSet.noneOf(Role.class);
      for (String r : roles) {
        parsed.add(Role.parse(r));
      }
      conf = ClusterConf.load(config);
      settings = NodeSettings.fromRoot(conf).withRoles(parsed);
      if (seedNodes != null) {
        settings = settings.withSeedNodes(SeedNodes.parse(seedNodes, settings.systemName()));
      }
      if (port != null) {
        settings = settings.withPort(port);
      }
      if (transport != null) {
        settings = settings.withTransport(Transport.parse(transport));
      }
      if (hostname != null) {
        settings = settings.withHostname(hostname);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    BeaverNode node = BeaverNode.start(settings, conf);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> node.shutdown(
        java.time.Duration.ofSeconds(20)), "beaver-node-shutdown"));
    if (settings.roles().stream().anyMatch(r -> r != Role.COORDINATOR)) {
      var rl = RlJobs.factory(RlJobs.Plugins.NONE);
      // RL jobs (ppo, ppo-lag, ppo-reward-shaping) and arena evaluations.
      NodeServices.start(node, spec -> {
        var arena = dev.beaver.app.arena.Arena.openJob(spec);
        return arena != null ? arena : rl.open(spec);
      });
    }
    node.whenUp().thenRun(() -> System.err.printf("node %s up with roles %s%n", node.address(),
        node.settings().roleIds()));
    node.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
