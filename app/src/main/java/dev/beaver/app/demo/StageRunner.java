package dev.beaver.app.demo;

import dev.beaver.app.Main;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs the demo's stages one after another, prints one line per stage with its wall-clock time,
 * and keeps those times for the report. Training stages are the real {@code beaver} commands,
 * run in this JVM through picocli with real files.
 */
final class StageRunner {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, Double> seconds = new LinkedHashMap<>();
  private final Map<String, Double> cpuSeconds = new LinkedHashMap<>();
  private final long start = System.nanoTime();
  private final long cpuStart = processCpuNanos();

  StageRunner(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  /** Runs {@code body} as stage {@code name}. */
  PrintWriter out() {
    return out;
  }

  <T> T stage(String name, Supplier<T> body) {
    out.printf("[demo %6.1fs] %s ...%n", elapsed(), name);
    out.flush();
    long t0 = System.nanoTime();
    long c0 = processCpuNanos();
    T result = body.get();
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (processCpuNanos() - c0) / 1e9;
    seconds.merge(name, s, Double::sum);
    cpuSeconds.merge(name, cpu, Double::sum);
    out.printf("[demo %6.1fs] %s done in %.1f s (%.1f s of CPU)%n", elapsed(), name, s, cpu);
    out.flush();
    return result;
  }

  void stage(String name, Runnable body) {
    stage(name, () -> {
      body.run();
      return null;
    });
  }

  /** Runs {@code beaver COMMAND ARGS...} in this JVM; a failure ends the demo. */
  void command(String command, List<String> args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(args);
    out.println("  $ beaver " + String.join(" ", all));
    out.flush();
    CommandLine cl = Main.commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int rc = cl.execute(all.toArray(String[]::new));
    if (rc != 0) {
      throw new DemoFailure("beaver " + command + " failed with exit code " + rc
          + " (its output is above)", rc);
    }
  }

  /** Stage name → seconds, in run order. */
  Map<String, Double> seconds() {
    return seconds;
  }

  /** Stage name → CPU seconds of this process (all threads), in run order. */
  Map<String, Double> cpuSeconds() {
    return cpuSeconds;
  }

  /**
   * CPU time of this JVM so far: on a shared machine the wall-clock time of a stage says more
   * about the other processes than about the stage; its CPU time does not.
   */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(0, sun.getProcessCpuTime());
    }
    return 0;
  }

  double cpuElapsed() {
    return (processCpuNanos() - cpuStart) / 1e9;
  }

  double elapsed() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** A stage that failed; carries the exit code to return. */
  static final class DemoFailure extends RuntimeException {
    final int exitCode;

    DemoFailure(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }
  }
}
