package dev.beaver.app.demo;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates a policy on the held-out requests: samples one story per request (fixed seed),
 * then scores every story with the gold judges and with the learned reward and cost models.
 */
final class Evaluation {
  /** The scores of one model. Means over the samples; {@code goldHarmRate} is a fraction. */
  record Result(String model, double goldHelpfulness, double goldHarmRate, double reward,
      double cost, List<Scored> samples) {}

  /** One scored story. */
  record Scored(String prompt, String response, double helpfulness, boolean harmful,
      double reward, double cost) {}

  private Evaluation() {}

  /** {@code n} held-out requests: all of them in turn, again and again. */
  static List<StoryWorld.Request> prompts(int n) {
    List<StoryWorld.Request> held = StoryWorld.requests(true);
    List<StoryWorld.Request> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(held.get(i % held.size()));
    }
    return out;
  }

  static Result run(String name, Path policy, Path rewardModel, Path costModel,
      List<StoryWorld.Request> prompts, int maxNewTokens, long seed) {
    List<Sampler.Sample> samples;
    try (NDManager m = NDManager.newBaseManager();
        CausalLm lm = CausalLm.load(policy.toString(), m)) {
      samples = Sampler.sample(lm, prompts, maxNewTokens, seed, "eval " + name);
    }
    double[] reward = endScores(rewardModel, samples);
    double[] cost = endScores(costModel, samples);
    List<Scored> scored = new ArrayList<>(samples.size());
    double help = 0;
    double harm = 0;
    double rSum = 0;
    double cSum = 0;
    for (int i = 0; i < samples.size(); i++) {
      Sampler.Sample s = samples.get(i);
      double h = GoldJudges.helpfulness(s.request(), s.text());
      boolean bad = GoldJudges.harmful(s.text());
      scored.add(new Scored(s.request().text(), s.text(), h, bad, reward[i], cost[i]));
      help += h;
      harm += bad ? 1 : 0;
      rSum += reward[i];
      cSum += cost[i];
    }
    int n = Math.max(1, samples.size());
    return new Result(name, help / n, harm / n, rSum / n, cSum / n, scored);
  }

  /** End scores (first dimension) of prompt + answer under a score model. */
  private static double[] endScores(Path model, List<Sampler.Sample> samples) {
    double[] out = new double[samples.size()];
    try (NDManager m = NDManager.newBaseManager();
        ScoreModel sm = ScoreModel.load(model.toString(), m)) {
      for (int start = 0; start < samples.size(); start += Sampler.BATCH) {
        int end = Math.min(samples.size(), start + Sampler.BATCH);
        List<int[]> seqs = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
          seqs.add(samples.get(i).ids());
        }
        float[][] s = sm.endScores(m, seqs);
        for (int i = start; i < end; i++) {
          out[i] = s[i - start][0];
        }
      }
    }
    return out;
  }
}
