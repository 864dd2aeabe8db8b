package dev.beaver.app.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.SeedNodes;
import dev.beaver.actors.node.Transport;
import dev.beaver.app.dashboard.Dashboard;
import dev.beaver.app.dashboard.DashboardAddress;
import dev.beaver.rollout.cluster.JobDriver;
import dev.beaver.rollout.cluster.JobEvent;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeServices;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs an RL command on the actor pipeline. Without {@code --seed_nodes} this JVM is a one-node
 * cluster with every role (tcp on loopback, a free port): the same actors and protocol as across
 * nodes, with in-JVM messages never serialized. With {@code --seed_nodes} this JVM joins that
 * cluster as the job's coordinator and drives the job on the rollout, scorer and learner nodes
 * started with {@code beaver node}.
 */
final class PipelineRun {
  private PipelineRun() {}

  /** The command's own arguments (the original command line after the subcommand's name). */
  static List<String> jobArgs(RlCommand cmd) {
    List<String> all = cmd.spec.commandLine().getParseResult().originalArgs();
    int at = all.indexOf(cmd.spec.name());
    List<String> own = new java.util.ArrayList<>(at < 0 ? all : all.subList(at + 1, all.size()));
    // The nodes get the checkpoint --resume chose here, not their own pick of the newest one.
    if (own.remove("--resume") && cmd.common.resumeFromCheckpoint != null
        && !own.contains("--resume_from_checkpoint")) {
      own.add("--resume_from_checkpoint");
      own.add(cmd.common.resumeFromCheckpoint.toString());
    }
    return own;
  }

  static int run(RlCommand cmd, RlJob job) {
    PipelineOptions p = cmd.pipeline;
    Config config;
    NodeSettings node;
    JobDriver.Layout layout;
    Duration wait = Duration.ofSeconds(p.waitForNodesSeconds);
    Duration workerTimeout = Duration.ofSeconds(p.workerTimeoutSeconds);
    try {
      // The command decides its exit status: the node must not end the JVM when it stops
      // (cluster-conf files set exit-jvm for long-running nodes).
      config = ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
          .withFallback(ClusterConf.load(p.clusterConfig)).resolve();
      NodeSettings base = NodeSettings.fromRoot(config);
      if (!p.clustered()) {
        node = base.withRoles(EnumSet.allOf(Role.class)).withTransport(Transport.TCP)
            .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
        layout = new JobDriver.Layout(1, 1, p.rolloutWorkers, wait, workerTimeout);
      } else {
        node = base.withRoles(EnumSet.of(Role.COORDINATOR));
        if (p.seedNodes != null) {
          node = node.withSeedNodes(SeedNodes.parse(p.seedNodes, base.systemName()));
        }
        if (p.nodePort != null) {
          node = node.withPort(p.nodePort);
        }
        if (p.transport != null) {
          node = node.withTransport(Transport.parse(p.transport));
        }
        layout = new JobDriver.Layout(p.rolloutNodes, p.scorerNodes, p.rolloutWorkers, wait,
            workerTimeout, p.learnerNodes);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd.spec.commandLine(), e.getMessage());
    }
    DashboardAddress dashboardAt;
    try {
      dashboardAt = p.dashboard == null ? null : DashboardAddress.parse(p.dashboard);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd.spec.commandLine(), e.getMessage());
    }
    // Prompts first: bad data fails here (exit 2) before any node does work.
    job.plan();
    JobSpec spec = new JobSpec(cmd.spec.name(), jobArgs(cmd));
    long t0 = System.nanoTime();
    JobDriver.Outcome outcome;
    try (BeaverNode n = BeaverNode.start(node, config);
        Dashboard dashboard = dashboardAt == null ? null
            : Dashboard.start(n.system(), dashboardAt, p.dashboardToken)) {
      if (dashboard != null) {
        java.io.PrintWriter w = cmd.spec.commandLine().getErr();
        w.printf("dashboard: %s (Prometheus: /metrics, JSON: /api/state)%n", dashboard.url());
        w.flush();
      }
      if (!p.clustered()) {
        // This JVM's agent builds the job's parts from this very job object.
        NodeServices.start(n, s -> job);
      } else {
        System.err.printf("coordinator node %s joining %s; waiting for the nodes%n",
            n.address(), SeedNodes.format(node.seedNodes()));
      }
      outcome = NodeServices.runJob(n, spec, job, layout);
    }
    java.io.PrintWriter err = cmd.spec.commandLine().getErr();
    if (!outcome.ok()) {
      err.println("error: the job failed: " + outcome.error());
      err.flush();
      return 1;
    }
    JobEvent.JobFinished f = outcome.finished();
    err.printf("pipeline: %d versions, %d steps in %.1f s; samples by staleness %s%n",
        f.version(), f.steps(), (System.nanoTime() - t0) / 1e9,
        Arrays.toString(f.stalenessHistogram()));
    err.flush();
    return 0;
  }
}
