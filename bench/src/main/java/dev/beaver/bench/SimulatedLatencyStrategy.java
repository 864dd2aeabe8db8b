package dev.beaver.bench;

import dev.beaver.learner.rl.Rollout;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.WorkItem;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * <b>Simulated-latency rollout</b> (benchmarks only): runs the real strategy (normally {@link
 * RolloutStrategy#sampling()}: the tokens, log-probs and versions are real), then sleeps for the
 * rest of {@code latencyNanos}, so that one call lasts at least that long. It emulates generation
 * on a separate accelerator that takes a known time per micro-batch: on the 2-core build machine
 * real generation and learning compete for the same cores, so without it the asynchronous
 * pipeline could only show how well two CPU-bound loops share two cores. When the real sampling
 * alone takes longer than the latency, nothing is added.
 *
 * <p>One instance per worker (the {@link RolloutStrategy} contract); the counters are shared and
 * thread-safe.
 */
public final class SimulatedLatencyStrategy implements RolloutStrategy {
  /** What the workers did, summed over all of them. */
  public static final class Stats {
    final LongAdder calls = new LongAdder();
    final LongAdder generatedTokens = new LongAdder();
    final LongAdder realNanos = new LongAdder();
    final LongAdder sleptNanos = new LongAdder();

    public long calls() {
      return calls.sum();
    }

    /** Generated tokens (real, not padding) of every rollout returned. */
    public long generatedTokens() {
      return generatedTokens.sum();
    }

    /** Time in the real strategy. */
    public double realSeconds() {
      return realNanos.sum() / 1e9;
    }

    /** Time added by sleeping. */
    public double sleptSeconds() {
      return sleptNanos.sum() / 1e9;
    }
  }

  private final RolloutStrategy inner;
  private final long latencyNanos;
  private final Stats stats;

  /**
   * @param latencyNanos the least time one call takes (0: the real strategy only)
   */
  public SimulatedLatencyStrategy(RolloutStrategy inner, long latencyNanos, Stats stats) {
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("latency must be >= 0, got " + latencyNanos + " ns");
    }
    this.inner = inner;
    this.latencyNanos = latencyNanos;
    this.stats = stats;
  }

  @Override
  public Rollout generate(Context context, WorkItem item) {
    long t0 = System.nanoTime();
    Rollout r = inner.generate(context, item);
    long real = System.nanoTime() - t0;
    long rest = latencyNanos - real;
    if (rest > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(rest);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during simulated rollout latency", e);
      }
    }
    stats.calls.increment();
    stats.realNanos.add(real);
    stats.sleptNanos.add(System.nanoTime() - t0 - real);
    stats.generatedTokens.add(generatedTokens(r));
    return r;
  }

  /** Real tokens after the prompt block (columns start + 1 ..) of every row. */
  static long generatedTokens(Rollout r) {
    int s = r.start() + 1;
    long n = 0;
    for (boolean[] row : r.attentionMask()) {
      for (int t = s; t < row.length; t++) {
        if (row[t]) {
          n++;
        }
      }
    }
    return n;
  }
}
