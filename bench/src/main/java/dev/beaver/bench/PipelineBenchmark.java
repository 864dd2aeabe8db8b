package dev.beaver.bench;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.CausalLm;
import dev.beaver.rollout.ExperienceScorer;
import dev.beaver.rollout.LearnerActor;
import dev.beaver.rollout.Pipeline;
import dev.beaver.rollout.PipelineSettings;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.RunPlan;
import dev.beaver.rollout.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
 * The actor pipeline ({@link Pipeline}: coordinator, one rollout worker per replica, scorer,
 * experience buffer, learner) running PPO-Lag for {@code rounds} prompt batches, synchronously
 * ({@code max_staleness 0}: the in-process algorithm) and asynchronously ({@code max_staleness 1},
 * experience buffer of (1 + 1) × the micro-batches of a round: rollouts of round r + 1 overlap the
 * learner's update of round r).
 *
 * <p><b>Simulated-latency rollout.</b> On the 2-core build machine real generation and learning
 * compete for the same cores, so the workers run {@link SimulatedLatencyStrategy}: the real
 * sampling strategy, then a sleep up to {@code latencyMs} per micro-batch, emulating generation
 * on a separate accelerator. With {@code latencyMs=auto} the latency is calibrated at setup so
 * that the rollout of a round takes as long as the learner's update of a round (the condition of
 * the ≥ 1.8× target): a synchronous calibration run measures the learner's busy time per round
 * (time between the ends of two rounds minus the learner's wait for the second), and the latency
 * per micro-batch is that time × workers ÷ micro-batches per round. Scoring, the learner and the
 * real sampling run on the CPU as they are.
 *
 * <p>One operation is one synchronous and one asynchronous run, each from freshly loaded models
 * (the order alternates between operations, so drift of the machine's load hits both); the
 * figures {@link Report} uses are in {@link Counters}: wall time of each run from spawning the
 * pipeline to the learner's {@code Finished}, the steady state (from the end of the first round
 * to the end of the last, which leaves out the asynchronous pipeline's fill), samples, generated
 * tokens, the learner's wait and the staleness histogram (rows trained at staleness 0, 1).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xss4m"})
public class PipelineBenchmark {
  @Param({BenchModels.STORIES_260K})
  public String model;

  /** Prompt batches per run (one learner version each). */
  @Param({"8"})
  public int rounds;

  /** Prompts per round (samples: one return sequence each). */
  @Param({"8"})
  public int batch;

  /** Prompts per micro-batch (per_device_train_batch_size): batch ÷ trainBatch work items. */
  @Param({"4"})
  public int trainBatch;

  /** Generation budget: max_length = the longest prompt + newTokens. */
  @Param({"16"})
  public int newTokens;

  @Param({"1"})
  public int workers;

  /**
   * Simulated rollout latency per micro-batch in milliseconds, or {@code auto} (calibrated so
   * that rollout and learning of a round take the same time).
   */
  @Param({"auto"})
  public String latencyMs;

  /** Rounds of the calibration run (the first is left out as warm-up). */
  static final int CALIBRATION_ROUNDS = 4;

  private Path tempDir;
  private Path modelDir;
  private NDManager manager;
  private ActorSystem<SpawnProtocol.Command> system;
  private long latencyNanos;
  private double calibratedUpdateSeconds = Double.NaN;
  private int runs;
  private int ops;

  /**
   * Per measurement iteration, summed over its operations (JMH writes each iteration's values
   * into the JSON's rawData), for the synchronous ({@code sync*}) and asynchronous
   * ({@code async*}) runs. {@code latencyMs} and {@code calibratedUpdateMs} are settings, the
   * same in every iteration.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counters {
    public double syncSeconds;
    public double syncSteadySeconds;
    public long syncSamples;
    public long syncSteadySamples;
    public long syncRolloutTokens;
    public double syncLearnerWaitSeconds;
    public long syncStaleness0Rows;
    public long syncStaleness1Rows;
    public double asyncSeconds;
    public double asyncSteadySeconds;
    public long asyncSamples;
    public long asyncSteadySamples;
    public long asyncRolloutTokens;
    public double asyncLearnerWaitSeconds;
    public long asyncStaleness0Rows;
    public long asyncStaleness1Rows;
    /** Operations: one synchronous and one asynchronous run each. */
    public long pairs;
    public double latencyMs;
    public double calibratedUpdateMs;

    @Setup(Level.Iteration)
    public void reset() {
      pairs = 0;
      syncSeconds = syncSteadySeconds = asyncSeconds = asyncSteadySeconds = 0;
      syncSamples = syncSteadySamples = syncRolloutTokens = 0;
      asyncSamples = asyncSteadySamples = asyncRolloutTokens = 0;
      syncLearnerWaitSeconds = asyncLearnerWaitSeconds = 0;
      syncStaleness0Rows = syncStaleness1Rows = asyncStaleness0Rows = asyncStaleness1Rows = 0;
    }

    void add(boolean async, RunResult r) {
      long s0 = r.histogram().length > 0 ? r.histogram()[0] : 0;
      long s1 = r.histogram().length > 1 ? r.histogram()[1] : 0;
      if (async) {
        asyncSeconds += r.seconds();
        asyncSteadySeconds += r.steadySeconds();
        asyncSamples += r.samples();
        asyncSteadySamples += r.steadySamples();
        asyncRolloutTokens += r.rolloutTokens();
        asyncLearnerWaitSeconds += r.learnerWaitSeconds();
        asyncStaleness0Rows += s0;
        asyncStaleness1Rows += s1;
      } else {
        syncSeconds += r.seconds();
        syncSteadySeconds += r.steadySeconds();
        syncSamples += r.samples();
        syncSteadySamples += r.steadySamples();
        syncRolloutTokens += r.rolloutTokens();
        syncLearnerWaitSeconds += r.learnerWaitSeconds();
        syncStaleness0Rows += s0;
        syncStaleness1Rows += s1;
      }
    }
  }

  /** One pipeline run. */
  record RunResult(double seconds, double steadySeconds, long samples, long steadySamples,
      long rolloutTokens, double learnerWaitSeconds, long[] histogram, double[] learnerBusy,
      SimulatedLatencyStrategy.Stats stats) {}

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (batch % trainBatch != 0 || (batch / trainBatch) % workers != 0) {
      throw new IllegalArgumentException("batch must be a multiple of trainBatch, and the"
          + " micro-batches of a round a multiple of workers");
    }
    tempDir = Files.createTempDirectory("beaver-bench-pipeline-");
    modelDir = BenchModels.prepare(model, tempDir);
    manager = NDManager.newBaseManager();
    Config config = ConfigFactory.parseString(String.join("\n",
        "pekko.actor.serialize-messages = off", // models and host arrays stay in this JVM
        "pekko.loglevel = WARNING",
        "pekko.log-dead-letters = off",
        "pekko.log-dead-letters-during-shutdown = off"))
        .withFallback(ConfigFactory.load());
    system = ActorSystem.create(SpawnProtocol.create(), "beaver-bench", config);
    if ("auto".equals(latencyMs)) {
      RunResult c = run(0, CALIBRATION_ROUNDS, 0);
      double[] busy = Arrays.copyOfRange(c.learnerBusy(), 1, c.learnerBusy().length);
      Arrays.sort(busy);
      calibratedUpdateSeconds = busy[busy.length / 2];
      int items = batch / trainBatch;
      latencyNanos = Math.round(calibratedUpdateSeconds * 1e9 * workers / items);
      System.out.printf(Locale.ROOT, "%ncalibration (synchronous, no added latency, %d rounds):"
          + " learner busy per round %s s (median of rounds 2..: %.3f s); real rollout %.3f s"
          + " per micro-batch%n", CALIBRATION_ROUNDS, Arrays.toString(c.learnerBusy()),
          calibratedUpdateSeconds, c.stats().realSeconds() / c.stats().calls());
    } else {
      latencyNanos = Math.round(Double.parseDouble(latencyMs) * 1e6);
    }
    System.out.printf(Locale.ROOT, "simulated-latency rollout: every micro-batch of %d prompts"
        + " takes at least %.1f ms (real sampling, then a sleep)%n", trainBatch,
        latencyNanos / 1e6);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    if (manager != null) {
      manager.close();
    }
    BenchModels.deleteTree(tempDir);
  }

  @Benchmark
  public void syncAndAsync(Counters c) throws Exception {
    boolean asyncFirst = ops++ % 2 == 1;
    for (boolean async : asyncFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
      RunResult r = run(async ? 1 : 0, rounds, latencyNanos);
      c.add(async, r);
      System.out.printf(Locale.ROOT, "%n%s: %.2f s (steady %.2f s for %d samples), learner"
          + " busy per round %s s, waiting %.2f s; rollout: %d calls, real %.3f s + slept %.3f s"
          + " per call; staleness histogram %s", async ? "async" : "sync", r.seconds(),
          r.steadySeconds(), r.steadySamples(), round2(r.learnerBusy()), r.learnerWaitSeconds(),
          r.stats().calls(), r.stats().realSeconds() / r.stats().calls(),
          r.stats().sleptSeconds() / r.stats().calls(), Arrays.toString(r.histogram()));
    }
    c.pairs++;
    c.latencyMs = latencyNanos / 1e6;
    c.calibratedUpdateMs = calibratedUpdateSeconds * 1e3;
  }

  private static String round2(double[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", v[i]));
    }
    return sb.append(']').toString();
  }

  /** The learner's per-step metrics with the time each arrived (on the learner's thread). */
  static final class Recorder implements SupervisedLoop.Listener {
    final List<Long> times = new ArrayList<>();
    final List<Map<String, Double>> rows = new ArrayList<>();

    @Override
    public synchronized void accept(Map<String, Double> m, Long step) {
      times.add(System.nanoTime());
      rows.add(Map.copyOf(m));
    }
  }

  /** One pipeline run from freshly loaded models; returns when all its actors have stopped. */
  RunResult run(int staleness, int numRounds, long latency) throws Exception {
    int index = runs++;
    try (NDManager m = manager.newSubManager()) {
      BenchRl.Models x = BenchRl.Models.load(modelDir, m);
      List<List<int[]>> batches = new ArrayList<>();
      for (int k = 0; k < numRounds; k++) {
        batches.add(BenchRl.prompts(x.actor().tokenizer(), batch, k * batch));
      }
      int longest = 0;
      for (List<int[]> b : batches) {
        longest = Math.max(longest, BenchRl.maxLength(b));
      }
      RlSettings s = BenchRl.settings(batch, trainBatch, longest + newTokens,
          tempDir.resolve("run-" + index));
      Recorder rec = new Recorder();
      RlTrainer trainer = new RlTrainer(s, x.actor(), x.ref(), x.rm(), x.cm(), x.rc(), x.cc(), m,
          rec);
      List<CausalLm> replicas = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        replicas.add(CausalLm.load(modelDir.toString(), m)); // closed by its worker
      }
      RunPlan plan = RunPlan.of(s, batches);
      // The buffer holds as many rounds as a sample may lag behind, plus the one being consumed.
      PipelineSettings ps = new PipelineSettings(staleness,
          (staleness + 1) * plan.maxItemsPerRound(), workers);
      SimulatedLatencyStrategy.Stats stats = new SimulatedLatencyStrategy.Stats();
      LearnerActor.Models learner = new LearnerActor.Models(trainer, x.actor(), x.rc(), x.cc());
      ExperienceScorer scorer = ExperienceScorer.of(new Scorer.Models(x.actor().tokenizer(),
          x.ref(), x.rm(), x.cm(), Double.NaN));
      RolloutStrategy.Factory strategies =
          i -> new SimulatedLatencyStrategy(RolloutStrategy.sampling(), latency, stats);
      CompletableFuture<Outcome> done = new CompletableFuture<>();
      long t0 = System.nanoTime();
      system.tell(new SpawnProtocol.Spawn<>(runner(replyTo -> Pipeline.create(ps, plan, learner,
          scorer, replicas, strategies, replyTo), done), "run-" + index, Props.empty(),
          system.ignoreRef()));
      Outcome o = done.get(30, TimeUnit.MINUTES);
      x.close();
      return result(o, t0, rec, plan, s, stats);
    }
  }

  private RunResult result(Outcome o, long t0, Recorder rec, RunPlan plan, RlSettings s,
      SimulatedLatencyStrategy.Stats stats) {
    int n = plan.rounds().size();
    int rowsPerRound = plan.rounds().get(0).items().size() * s.updateIters();
    if (rec.times.size() != n * rowsPerRound) {
      throw new IllegalStateException("expected " + n * rowsPerRound + " learner steps, got "
          + rec.times.size());
    }
    double[] ends = new double[n];
    double waitSum = 0;
    double[] busy = new double[n];
    for (int k = 0; k < n; k++) {
      ends[k] = (rec.times.get((k + 1) * rowsPerRound - 1) - t0) / 1e9;
      double wait = rec.rows.get(k * rowsPerRound).get("system/learner_wait_s");
      waitSum += wait;
      busy[k] = ends[k] - (k == 0 ? 0 : ends[k - 1]) - wait;
    }
    long samples = (long) n * batch;
    return new RunResult((o.finishedAt() - t0) / 1e9, ends[n - 1] - ends[0], samples,
        samples - batch, stats.generatedTokens(), waitSum, o.finished().stalenessHistogram(),
        busy, stats);
  }

  record Outcome(LearnerActor.Finished finished, long finishedAt) {}

  /**
   * Spawns the pipeline, replying to itself; completes {@code done} when the learner has
   * finished and every actor of the pipeline has stopped, or exceptionally when the pipeline
   * stopped without finishing (an actor failed: see the log).
   */
  private static Behavior<Object> runner(
      Function<ActorRef<LearnerActor.Finished>, Behavior<Void>> pipeline,
      CompletableFuture<Outcome> done) {
    return Behaviors.setup(ctx -> {
      ActorRef<Void> p = ctx.spawn(pipeline.apply(ctx.getSelf().narrow()), "pipeline");
      ctx.watch(p);
      Outcome[] finished = {null};
      boolean[] terminated = {false};
      return Behaviors.receive(Object.class)
          .onMessage(LearnerActor.Finished.class, f -> {
            finished[0] = new Outcome(f, System.nanoTime());
            if (terminated[0]) {
              done.complete(finished[0]);
              return Behaviors.stopped();
            }
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            terminated[0] = true;
            if (finished[0] != null) {
              done.complete(finished[0]);
              return Behaviors.stopped();
            }
            // The learner's reply may still be on its way.
            ctx.setReceiveTimeout(Duration.ofSeconds(10), "timeout");
            return Behaviors.same();
          })
          .onMessageEquals("timeout", () -> {
            done.completeExceptionally(new IllegalStateException(
                "the pipeline stopped without finishing: an actor failed (see the log above)"));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(PipelineBenchmark.class.getSimpleName()).build())
        .run();
  }
}
