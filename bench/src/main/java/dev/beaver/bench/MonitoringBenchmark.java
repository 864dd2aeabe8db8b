package dev.beaver.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.app.dashboard.Dashboard;
import dev.beaver.app.train.RlJobs;
import dev.beaver.rollout.cluster.JobDriver;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The cost of actor-level monitoring on pipeline throughput: one operation runs the same PPO-Lag
 * job twice through the command's own path (a one-node cluster, {@code RlJobs} parts,
 * {@code NodeServices}: node agent, coordinator, scorer, workers, learner, chunked weights), once
 * with {@code beaver.monitor.enabled = on} plus the dashboard (aggregator, Pekko HTTP server and a
 * client reading {@code /api/state} and {@code /metrics} every second, as an open page and a
 * Prometheus scraper would) and once with monitoring off; the order alternates between
 * operations. Each run starts a fresh node and loads the models (not timed). {@link Counters}:
 * whole-run time (from submitting the job to its outcome) and the steady state (first to last
 * optimizer step) with the samples in each. Real sampling, no simulated latency: the pipeline is
 * CPU-bound, which is where per-message overhead would show most.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xss4m",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
public class MonitoringBenchmark {
  @Param({BenchModels.STORIES_260K})
  public String model;

  /** Prompt batches per run (one learner version each). */
  @Param({"12"})
  public int rounds;

  /** Prompts per round. */
  @Param({"8"})
  public int batch;

  /** Prompts per micro-batch (one optimizer step each). */
  @Param({"2"})
  public int trainBatch;

  /** Rollout workers. */
  @Param({"2"})
  public int workers;

  /** Tokens per sequence, prompt included. */
  @Param({"72"})
  public int maxLength;

  private Path tempDir;
  private Path modelDir;
  private Path prompts;
  private int runs;
  private int ops;

  /** Per measurement iteration, summed over its operations, with ({@code on*}) and without. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counters {
    public double onSeconds;
    public double onSteadySeconds;
    public long onSamples;
    public long onSteadySamples;
    public double offSeconds;
    public double offSteadySeconds;
    public long offSamples;
    public long offSteadySamples;
    /** Dashboard reads answered during the monitored runs. */
    public long scrapes;
    public long pairs;

    @Setup(Level.Iteration)
    public void reset() {
      onSeconds = onSteadySeconds = offSeconds = offSteadySeconds = 0;
      onSamples = onSteadySamples = offSamples = offSteadySamples = scrapes = pairs = 0;
    }
  }

  record RunResult(double seconds, double steadySeconds, long samples, long steadySamples,
      long scrapes) {}

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    tempDir = Files.createTempDirectory("beaver-bench-monitoring-");
    modelDir = BenchModels.prepare(model, tempDir);
    prompts = tempDir.resolve("prompts.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < rounds * batch; i++) {
      // Distinct texts: prompt-only datasets drop duplicate prompts.
      lines.add("{\"q\": \"" + BenchRl.PROMPTS[i % BenchRl.PROMPTS.length] + " (" + i
          + ")\"}");
    }
    Files.write(prompts, lines);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    BenchModels.deleteTree(tempDir);
  }

  @Benchmark
  public void withAndWithout(Counters c) throws Exception {
    boolean onFirst = ops++ % 2 == 0;
    for (boolean on : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
      RunResult r = run(on);
      if (on) {
        c.onSeconds += r.seconds();
        c.onSteadySeconds += r.steadySeconds();
        c.onSamples += r.samples();
        c.onSteadySamples += r.steadySamples();
        c.scrapes += r.scrapes();
      } else {
        c.offSeconds += r.seconds();
        c.offSteadySeconds += r.steadySeconds();
        c.offSamples += r.samples();
        c.offSteadySamples += r.steadySamples();
      }
      System.out.printf(Locale.ROOT, "%nmonitoring %s: %.2f s, steady %.2f samples/s%s", on
          ? "on" : "off", r.seconds(), r.steadySamples() / r.steadySeconds(),
          on ? " (" + r.scrapes() + " dashboard reads)" : "");
    }
    c.pairs++;
  }

  RunResult run(boolean monitored) throws Exception {
    int index = runs++;
    // Let the previous run's node wind down (its threads, native memory) before this one:
    // otherwise the second run of each pair is measurably slower whichever mode it has.
    System.gc();
    Thread.sleep(3000);
    String dir = modelDir.toString();
    JobSpec spec = new JobSpec("ppo-lag", List.of("--actor_model_name_or_path", dir,
        "--reward_model_name_or_path", dir, "--cost_model_name_or_path", dir,
        "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
        "--output_dir", tempDir.resolve("run-" + index).toString(),
        "--max_length", Integer.toString(maxLength),
        "--per_device_prompt_batch_size", Integer.toString(batch),
        "--per_device_train_batch_size", Integer.toString(trainBatch),
        "--rollout_workers", Integer.toString(workers), "--max_staleness", "1",
        "--lambda_max", "5", "--seed", "7"));
    List<Long> stepTimes = new ArrayList<>();
    RlJobs.Plugins plugins = RlJobs.Plugins.NONE.withProgress((metrics, step) -> {
      synchronized (stepTimes) {
        stepTimes.add(System.nanoTime());
      }
    });
    Config config = ConfigFactory.parseString(String.join("\n",
        "beaver.monitor.enabled = " + (monitored ? "on" : "off"),
        "pekko.loglevel = WARNING",
        "pekko.log-dead-letters = off",
        "pekko.log-dead-letters-during-shutdown = off"))
        .withFallback(ClusterConf.load(List.of())).resolve();
    NodeSettings settings = NodeSettings.fromRoot(config).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
    AtomicLong scrapes = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    long t0;
    long t1;
    try (BeaverNode node = BeaverNode.start(settings, config);
        JobParts job = RlJobs.open(spec, plugins);
        Dashboard dashboard = monitored ? Dashboard.start(node.system(), "127.0.0.1", 0, null)
            : null) {
      NodeServices.start(node, s -> job);
      Thread reader = null;
      if (dashboard != null) {
        reader = new Thread(() -> readDashboard(dashboard.port(), done, scrapes),
            "dashboard-reader");
        reader.setDaemon(true);
        reader.start();
      }
      t0 = System.nanoTime();
      JobDriver.Outcome outcome = NodeServices.runJob(node, spec, job,
          new JobDriver.Layout(1, 1, workers, Duration.ofMinutes(5)));
      t1 = System.nanoTime();
      done.set(true);
      if (reader != null) {
        reader.join(5000);
      }
      if (!outcome.ok()) {
        throw new IllegalStateException("the job failed: " + outcome.error());
      }
    }
    int steps = stepTimes.size();
    int expected = rounds * (batch / trainBatch);
    if (steps != expected) {
      throw new IllegalStateException("expected " + expected + " steps, got " + steps);
    }
    long samples = (long) rounds * batch;
    return new RunResult((t1 - t0) / 1e9, (stepTimes.get(steps - 1) - stepTimes.get(0)) / 1e9,
        samples, (long) (steps - 1) * trainBatch, scrapes.get());
  }

  /** An open dashboard page and a Prometheus scraper: both endpoints once a second. */
  private static void readDashboard(int port, AtomicBoolean done, AtomicLong scrapes) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    while (!done.get()) {
      for (String path : new String[] {"/api/state", "/metrics"}) {
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
              .build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            scrapes.incrementAndGet();
          }
        } catch (Exception e) {
          // The node may be stopping; the count shows how many reads were answered.
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(MonitoringBenchmark.class.getSimpleName()).build())
        .run();
  }
}
