package dev.beaver.app.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local multi-JVM cluster for one RL stage ({@code --nodes N}): this JVM runs the job as the
 * coordinator and seed (the command's {@code --seed_nodes} and {@code --node_port}), and N − 1
 * child JVMs run {@code beaver node} with the other roles, as scripts/cluster-local.sh starts
 * them. Two nodes: one child with every role; three: a learner node and a rollout+scorer node;
 * more: a learner, a scorer and N − 3 rollout nodes. Children log to {@code DIR/nodes/}; they
 * are stopped (SIGTERM, then killed) when the stage ends.
 */
final class LocalNodes implements AutoCloseable {
  private final List<Process> children = new ArrayList<>();
  private final int seedPort;
  private final int rolloutNodes;
  private final int scorerNodes;

  private LocalNodes(int seedPort, int rolloutNodes, int scorerNodes) {
    this.seedPort = seedPort;
    this.rolloutNodes = rolloutNodes;
    this.scorerNodes = scorerNodes;
  }

  /** The roles of each child JVM for {@code nodes} JVMs in all. */
  static List<String> childRoles(int nodes) {
    if (nodes == 2) {
      return List.of("rollout,scorer,learner");
    }
    if (nodes == 3) {
      return List.of("learner", "rollout,scorer");
    }
    List<String> roles = new ArrayList<>(List.of("learner", "scorer"));
    for (int i = 0; i < nodes - 3; i++) {
      roles.add("rollout");
    }
    return roles;
  }

  /** Starts the children of an {@code nodes}-JVM cluster, logging into {@code logDir}. */
  static LocalNodes start(int nodes, Path logDir) {
    List<String> roles = childRoles(nodes);
    int rollout = (int) roles.stream().filter(r -> r.contains("rollout")).count();
    int scorer = (int) roles.stream().filter(r -> r.contains("scorer")).count();
    LocalNodes cluster = new LocalNodes(freePort(), rollout, scorer);
    try {
      Files.createDirectories(logDir);
      for (int i = 0; i < roles.size(); i++) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String threads = System.getProperty(DemoCommand.NUM_THREADS);
        if (threads != null) {
          cmd.add("-D" + DemoCommand.NUM_THREADS + "=" + threads);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
            dev.beaver.app.Main.class.getName(), "node", "--role", roles.get(i),
            "--seed_nodes", "127.0.0.1:" + cluster.seedPort, "--port", "0",
            "--transport", "tcp"));
        Path log = logDir.resolve("node-" + (i + 1) + ".log");
        cluster.children.add(new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
      }
    } catch (IOException e) {
      cluster.close();
      throw new UncheckedIOException(e);
    }
    return cluster;
  }

  /** The flags that make an RL command the coordinator of this cluster. */
  List<String> jobFlags() {
    return List.of("--seed_nodes", "127.0.0.1:" + seedPort, "--node_port",
        Integer.toString(seedPort), "--transport", "tcp",
        "--rollout_nodes", Integer.toString(rolloutNodes),
        "--scorer_nodes", Integer.toString(scorerNodes), "--wait_for_nodes", "120");
  }

  @Override
  public void close() {
    for (Process p : children) {
      p.destroy();
    }
    for (Process p : children) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
