package dev.beaver.app.arena;

import dev.beaver.actors.Role;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.SeedNodes;
import dev.beaver.actors.node.Transport;
import java.time.Duration;
import java.util.EnumSet;

/**
 * Where an arena runs when not in one JVM: the cluster of {@code seedNodes} (host:port,...),
 * which this JVM joins as the coordinator (on {@code nodePort}, or any free port when null, with
 * {@code transport}, or the configuration's when null); generation on {@code rolloutNodes}
 * rollout nodes and scoring on one scorer node started with {@code beaver node}.
 */
public record ArenaCluster(String seedNodes, Integer nodePort, String transport,
    int rolloutNodes, Duration waitForNodes) {
  public ArenaCluster {
    if (seedNodes == null || seedNodes.isBlank()) {
      throw new IllegalArgumentException("--seed_nodes must name at least one seed (host:port)");
    }
    if (rolloutNodes < 1) {
      throw new IllegalArgumentException("--rollout_nodes must be >= 1, got " + rolloutNodes);
    }
  }

  /** This JVM's node settings on {@code base}: the coordinator role, joining the seeds. */
  NodeSettings coordinator(NodeSettings base) {
    NodeSettings node = base.withRoles(EnumSet.of(Role.COORDINATOR))
        .withSeedNodes(SeedNodes.parse(seedNodes, base.systemName()));
    if (nodePort != null) {
      node = node.withPort(nodePort);
    }
    if (transport != null) {
      node = node.withTransport(Transport.parse(transport));
    }
    return node;
  }
}
