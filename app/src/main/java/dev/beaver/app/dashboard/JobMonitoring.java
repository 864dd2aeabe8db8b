package dev.beaver.app.dashboard;

import dev.beaver.actors.monitor.Monitoring;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.tokenizer.Tokenizer;
import dev.beaver.rollout.ExperienceScorer;
import dev.beaver.rollout.RolloutStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-role figures of an RL job, recorded on the actor that runs each plug-in (they run
 * inside the instrumented worker, scorer and learner, so {@link Monitoring}'s static calls reach
 * that actor's figures; outside an instrumented actor they do nothing):
 * <ul>
 *   <li>rollout: {@code rollout_tokens_total} (generated tokens; the dashboard's tokens/s),
 *       {@code rollout_samples_total}, gauges {@code generation_batch_size},
 *       {@code generation_seconds} and {@code version_lag} (the consuming round minus the
 *       worker's version: the staleness the micro-batch will have);
 *   <li>scorer: {@code scorer_samples_total}, gauges {@code scoring_seconds},
 *       {@code reward_mean}, {@code cost_mean}, and one decoded sample per
 *       {@code beaver.monitor.sample-interval} (prompt, response, reward, cost);
 *   <li>learner: every optimizer step's metrics under safe-rlhf's names, and the gauge
 *       {@code cost_threshold} (the PPO-Lag threshold the dashboard draws).
 * </ul>
 */
public final class JobMonitoring {
  private JobMonitoring() {}

  /** {@code inner}, recording the rollout figures. */
  public static RolloutStrategy strategy(RolloutStrategy inner) {
    return (context, item) -> {
      long t0 = System.nanoTime();
      Rollout r = inner.generate(context, item);
      Monitoring.gauge("generation_seconds", (System.nanoTime() - t0) / 1e9);
      Monitoring.gauge("generation_batch_size", r.batchSize());
      Monitoring.gauge("version_lag", item.round() - context.version());
      Monitoring.count("rollout_tokens_total", generatedTokens(r.attentionMask(), r.start()));
      Monitoring.count("rollout_samples_total", r.batchSize());
      return r;
    };
  }

  /** Real tokens after the prompt (columns start + 1 ..), over all rows. */
  static long generatedTokens(boolean[][] mask, int start) {
    long n = 0;
    for (boolean[] row : mask) {
      for (int t = start + 1; t < row.length; t++) {
        if (row[t]) {
          n++;
        }
      }
    }
    return n;
  }

  /** {@code inner}, recording the scorer figures; samples are decoded with {@code tokenizer}. */
  public static ExperienceScorer scorer(ExperienceScorer inner, Tokenizer tokenizer) {
    return (manager, rollout) -> {
      long t0 = System.nanoTime();
      Experience e = inner.score(manager, rollout);
      Monitoring.gauge("scoring_seconds", (System.nanoTime() - t0) / 1e9);
      Monitoring.count("scorer_samples_total", e.batchSize());
      Monitoring.gauge("reward_mean", mean(e.reward()));
      if (e.cost() != null) {
        Monitoring.gauge("cost_mean", mean(e.cost()));
      }
      if (e.batchSize() > 0 && Monitoring.wantsSample()) {
        String[] text = decode(e.inputIds()[0], e.attentionMask()[0], e.start(), tokenizer);
        Monitoring.sample(e.policyVersion(), text[0], text[1], e.reward()[0],
            e.cost() == null ? Double.NaN : e.cost()[0]);
      }
      return e;
    };
  }

  /** The prompt (real tokens up to column start) and the response (real tokens after it). */
  static String[] decode(long[] ids, boolean[] mask, int start, Tokenizer tokenizer) {
    List<Integer> prompt = new ArrayList<>();
    List<Integer> response = new ArrayList<>();
    for (int t = 0; t < ids.length; t++) {
      if (mask[t]) {
        (t <= start ? prompt : response).add((int) ids[t]);
      }
    }
    return new String[] {
      tokenizer.decode(prompt.stream().mapToInt(Integer::intValue).toArray(), true).strip(),
      tokenizer.decode(response.stream().mapToInt(Integer::intValue).toArray(), true).strip()};
  }

  private static double mean(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** A listener forwarding every step's metrics to the dashboard; {@code threshold}: NaN for none. */
  public static SupervisedLoop.Listener listener(double threshold) {
    return (Map<String, Double> metrics, Long step) -> {
      if (!Double.isNaN(threshold)) {
        Monitoring.gauge("cost_threshold", threshold);
      }
      Monitoring.training(step == null ? -1 : step, metrics);
    };
  }
}
