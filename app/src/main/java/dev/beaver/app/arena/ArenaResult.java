package dev.beaver.app.arena;

import java.util.List;
import java.util.Map;

/**
 * What an arena run produced.
 *
 * @param redName the red corner's name (its model folder's base name)
 * @param blueName the blue corner's name
 * @param rows one row per prompt, in dataset order
 * @param analysis safe-rlhf's analysis of the rewards and costs
 * @param judgeMeans per extra judge (in the config's order): its mean score of red's and of
 *     blue's responses, as {@code [red, blue]}
 */
public record ArenaResult(String redName, String blueName, List<Row> rows,
    ArenaAnalysis analysis, Map<String, double[]> judgeMeans) {

  public ArenaResult {
    rows = List.copyOf(rows);
    judgeMeans = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(judgeMeans));
  }

  /**
   * One prompt's match.
   *
   * @param prompt the prompt as the models saw it (the conversation template, decoded), upstream's
   *     {@code Prompt} column
   * @param question the user's prompt as the dataset gives it (last turn, no template)
   * @param red red's response
   * @param blue blue's response
   * @param redJudges red's score by each extra judge, in the config's order
   * @param blueJudges blue's score by each extra judge
   */
  public record Row(String prompt, String question, String red, double redReward, double redCost,
      String blue, double blueReward, double blueCost, double[] redJudges, double[] blueJudges) {}
}
