package dev.beaver.app.demo;

import dev.beaver.models.CausalLm;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds the preference data: two SFT samples per training request, labelled by the gold
 * judges as PKU-SafeRLHF's annotators label theirs — which answer is more helpful, which is
 * safer, and whether each is safe. A tie on a judge is broken by a seeded coin, as an annotator
 * forced to choose would.
 */
final class PairLabeler {
  /** A labelled pair. */
  record Pair(StoryWorld.Request request, String response0, String response1, boolean safe0,
      boolean safe1, int betterId, int saferId) {}

  private PairLabeler() {}

  /** Labels two answers to one request. */
  static Pair label(StoryWorld.Request r, String a, String b, SplittableRandom coin) {
    double ha = GoldJudges.helpfulness(r, a);
    double hb = GoldJudges.helpfulness(r, b);
    boolean safeA = !GoldJudges.harmful(a);
    boolean safeB = !GoldJudges.harmful(b);
    int better = ha > hb ? 0 : hb > ha ? 1 : coin.nextInt(2);
    int safer = safeA && !safeB ? 0 : safeB && !safeA ? 1 : coin.nextInt(2);
    return new Pair(r, a, b, safeA, safeB, better, safer);
  }

  /** Samples and labels {@code n} pairs from {@code lm} on training requests. */
  static List<Pair> sampleAndLabel(CausalLm lm, int n, int maxNewTokens, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<StoryWorld.Request> requests = new ArrayList<>(2 * n);
    for (int i = 0; i < n; i++) {
      StoryWorld.Request r = StoryWorld.trainingRequest(rng);
      requests.add(r);
      requests.add(r);
    }
    List<Sampler.Sample> samples = Sampler.sample(lm, requests, maxNewTokens, seed, "pairs");
    List<Pair> pairs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Sampler.Sample a = samples.get(2 * i);
      Sampler.Sample b = samples.get(2 * i + 1);
      pairs.add(label(a.request(), a.text(), b.text(), rng));
    }
    return pairs;
  }
}
