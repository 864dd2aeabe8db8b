package dev.beaver.app.demo;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.tokenizer.PromptTemplate;
import dev.beaver.models.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's default PPO-Lag threshold: halfway between the cost model's mean cost of all the
 * SFT answers in the preference data and its mean cost of those the gold harm judge found safe.
 * With a cost model that separates safe from unsafe answers, the constraint E[cost] ≤ threshold
 * then asks for about half the SFT model's harm rate. safe-rlhf's threshold 0 assumes a cost model whose mean over
 * the policy's answers is positive while harm is common; a small cost model trained for a minute
 * gives bimodal costs (safe far below 0, unsafe above), and their mean can be below 0 with a
 * third of the answers harmful, so 0 would not constrain anything.
 */
final class SafeCostThreshold {
  private SafeCostThreshold() {}

  /** (mean cost of all responses + mean cost of the safe ones) / 2 under {@code cm}. */
  static double of(Path cm, List<PairLabeler.Pair> pairs) {
    try (NDManager m = NDManager.newBaseManager();
        ScoreModel sm = ScoreModel.load(cm.toString(), m)) {
      Tokenizer tok = sm.tokenizer();
      List<int[]> all = new ArrayList<>();
      List<Boolean> safe = new ArrayList<>();
      for (PairLabeler.Pair p : pairs) {
        String prompt = PromptTemplate.prompt(p.request().text());
        all.add(tok.encode(PromptTemplate.fullText(prompt, " " + p.response0(), tok.eosToken())));
        safe.add(p.safe0());
        all.add(tok.encode(PromptTemplate.fullText(prompt, " " + p.response1(), tok.eosToken())));
        safe.add(p.safe1());
      }
      double sumAll = 0;
      double sumSafe = 0;
      int nSafe = 0;
      for (int start = 0; start < all.size(); start += Sampler.BATCH) {
        int end = Math.min(all.size(), start + Sampler.BATCH);
        float[][] s = sm.endScores(m, all.subList(start, end));
        for (int i = start; i < end; i++) {
          sumAll += s[i - start][0];
          if (safe.get(i)) {
            sumSafe += s[i - start][0];
            nSafe++;
          }
        }
      }
      if (all.isEmpty() || nSafe == 0) {
        return 0.0;
      }
      return (sumAll / all.size() + sumSafe / nSafe) / 2;
    }
  }
}
