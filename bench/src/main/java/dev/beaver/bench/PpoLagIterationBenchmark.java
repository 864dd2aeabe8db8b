package dev.beaver.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.ExperienceMaker;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.rl.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One PPO-Lag iteration of the in-process trainer on one prompt batch of {@code batch} prompts:
 * generation with the actor ({@link ExperienceMaker#generate}: sampling with the KV cache, then the
 * behaviour log-probs), scoring ({@link ExperienceMaker#score}: reference log-probs, reward and
 * cost models), critic values ({@link ExperienceMaker#withValues}), and
 * {@link RlTrainer#trainBatch} (λ update, advantages, actor and both critics forward + backward,
 * global-norm clipping and AdamW steps). Actor, reference, reward/cost models and critics are all
 * built from {@code model} (score heads freshly seeded), so every model has the same body.
 *
 * <p>The iteration's model FLOPs are counted from what it really computes ({@link Counters}):
 * 2 × multiplies per token position of each forward (generation: the prompt prefill plus one
 * position per generated token but the last; the other forwards: the padded (B, L) block, the
 * reward and cost models their re-padded (B, L_real) block) and 6 × for the three forward +
 * backward passes; {@link Report} divides them by the iteration time and by the GEMM rate of
 * {@link MatmulBenchmark} measured in the same run (MFU). Single-threaded, in its own fork (one
 * gradient collector per JVM).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xss4m"})
public class PpoLagIterationBenchmark {
  @Param({BenchModels.LLAMA_20M, BenchModels.STORIES_260K})
  public String model;

  /** Prompts per iteration (= samples: one return sequence), one micro-batch. */
  @Param({"8"})
  public int batch;

  /** Generation budget: max_length = the longest prompt + newTokens. */
  @Param({"48"})
  public int newTokens;

  /** Large enough that no iteration is the last of an "epoch" (nothing is saved or evaluated). */
  private static final int BATCHES = 1 << 30;

  private NDManager manager;
  private Path tempDir;
  private BenchRl.Models models;
  private RlSettings settings;
  private RlTrainer trainer;
  private List<int[]> prompts;
  private long lmMultiplies;
  private long[] scoreMultiplies;
  private int iteration;

  /**
   * Per measurement iteration (JMH writes each iteration's values into the JSON's rawData):
   * model GFLOP done, samples, generated tokens, operations, and where the time went.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counters {
    public double modelGflop;
    public long samples;
    public long generatedTokens;
    public long ops;
    public double rolloutSeconds;
    public double trainSeconds;

    @Setup(Level.Iteration)
    public void reset() {
      modelGflop = 0;
      samples = 0;
      generatedTokens = 0;
      ops = 0;
      rolloutSeconds = 0;
      trainSeconds = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    manager = NDManager.newBaseManager();
    tempDir = Files.createTempDirectory("beaver-bench-ppo-");
    models = BenchRl.Models.load(BenchModels.prepare(model, tempDir), manager);
    prompts = BenchRl.prompts(models.actor().tokenizer(), batch, 0);
    settings = BenchRl.settings(batch, batch, BenchRl.maxLength(prompts) + newTokens,
        tempDir.resolve("out"));
    trainer = new RlTrainer(settings, models.actor(), models.ref(), models.rm(), models.cm(),
        models.rc(), models.cc(), manager, (metrics, step) -> { });
    trainer.begin(BATCHES, null);
    lmMultiplies = BenchRl.multiplies(models.actor().decoder(), true);
    scoreMultiplies = new long[] {BenchRl.multiplies(models.rm().decoder(), false),
        BenchRl.multiplies(models.cm().decoder(), false),
        BenchRl.multiplies(models.rc().decoder(), false),
        BenchRl.multiplies(models.cc().decoder(), false)};
    System.out.printf("%n%s: %,d multiplies per token (LM), %,d (reward/cost models and critics);"
        + " %d prompts of up to %d tokens, max_length %d%n", model, lmMultiplies,
        scoreMultiplies[0], batch, BenchRl.maxLength(prompts), settings.maxLength());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (models != null) {
      models.close();
    }
    if (manager != null) {
      manager.close();
    }
    BenchModels.deleteTree(tempDir);
  }

  @Benchmark
  public void iteration(Counters c, Blackhole bh) {
    // libtorch's grad mode is per thread; inference must not record a graph (Autograd turns it
    // on for the backward passes only).
    JniUtils.setGradMode(false);
    long t0 = System.nanoTime();
    List<Experience> experiences = new ArrayList<>();
    double flop = 0;
    long generated = 0;
    long samples = 0;
    for (RlTrainer.MicroBatchPlan p : RlTrainer.plan(settings, prompts, 0, iteration)) {
      Rollout r = ExperienceMaker.generate(models.actor(), manager, p.prompts(), p.params(),
          iteration);
      Experience e = ExperienceMaker.score(manager, r, models.actor().tokenizer(), models.ref(),
          models.rm(), models.cm(), Double.NaN);
      experiences.add(ExperienceMaker.withValues(manager, e, models.rc(), models.cc()));
      Shape s = Shape.of(r);
      generated += s.generated();
      samples += r.batchSize();
      // generation (prefill + decode), behaviour log-probs, reference log-probs: the LM.
      flop += 2.0 * lmMultiplies * (s.generationPositions() + 2L * s.block());
      // reward and cost models on the real tokens, re-padded.
      flop += 2.0 * (scoreMultiplies[0] + scoreMultiplies[1]) * s.realBlock();
      // critic values.
      flop += 2.0 * (scoreMultiplies[2] + scoreMultiplies[3]) * s.block();
      // update_iters × (actor + both critics, forward + backward).
      flop += settings.updateIters() * 6.0
          * (lmMultiplies + scoreMultiplies[2] + scoreMultiplies[3]) * s.block();
    }
    long t1 = System.nanoTime();
    trainer.trainBatch(experiences, 0, iteration, BATCHES, (t1 - t0) / 1e9, null);
    long t2 = System.nanoTime();
    bh.consume(trainer.state());
    iteration++;
    c.modelGflop += flop / 1e9;
    c.samples += samples;
    c.generatedTokens += generated;
    c.ops++;
    c.rolloutSeconds += (t1 - t0) / 1e9;
    c.trainSeconds += (t2 - t1) / 1e9;
  }

  /** Token positions of one rollout (B rows, L columns, prompts left-padded to S). */
  record Shape(long block, long realBlock, long generated, long generationPositions) {
    static Shape of(Rollout r) {
      int b = r.batchSize();
      int l = r.inputIds()[0].length;
      int s = r.start() + 1;
      long generated = 0;
      long decodeSteps = 0;
      int longestReal = 0;
      for (boolean[] row : r.attentionMask()) {
        int real = 0;
        int gen = 0;
        for (int t = 0; t < l; t++) {
          if (row[t]) {
            real++;
            if (t >= s) {
              gen++;
            }
          }
        }
        generated += gen;
        decodeSteps += Math.max(0, gen - 1);
        longestReal = Math.max(longestReal, real);
      }
      return new Shape((long) b * l, (long) b * longestReal, generated, (long) b * s + decodeSteps);
    }
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(PpoLagIterationBenchmark.class.getSimpleName())
        .build()).run();
  }
}
