package dev.beaver.app.judge;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * The aggregate upstream leaves to the reader: mean score per corner and blue's wins, ties and
 * losses against red, over the rows whose reply parsed (failed rows would pull means towards 0).
 *
 * @param scored rows with a parsed reply, the ones the means and counts cover
 * @param redMean mean score1 over scored rows; NaN when none
 * @param blueMean mean score2 over scored rows; NaN when none
 * @param blueWins scored rows with score2 > score1
 * @param ties scored rows with score2 == score1
 * @param blueLosses scored rows with score2 < score1
 * @param parseFailures rows whose reply did not hold two scores (written as 0 0)
 * @param requestFailures rows whose request failed after every retry (written as 0 0)
 */
record EvalSummary(int prompts, int scored, double redMean, double blueMean, int blueWins,
    int ties, int blueLosses, int parseFailures, int requestFailures) {

  static EvalSummary of(List<JudgedRow> rows) {
    int scored = 0;
    int wins = 0;
    int ties = 0;
    int losses = 0;
    int parseFailures = 0;
    int requestFailures = 0;
    double red = 0;
    double blue = 0;
    for (JudgedRow r : rows) {
      if (r.error() != null) {
        requestFailures++;
        continue;
      }
      if (!r.parsed()) {
        parseFailures++;
        continue;
      }
      scored++;
      red += r.score1();
      blue += r.score2();
      int c = Double.compare(r.score2(), r.score1());
      if (c > 0) {
        wins++;
      } else if (c == 0) {
        ties++;
      } else {
        losses++;
      }
    }
    return new EvalSummary(rows.size(), scored, scored == 0 ? Double.NaN : red / scored,
        scored == 0 ? Double.NaN : blue / scored, wins, ties, losses, parseFailures,
        requestFailures);
  }

  /** summary.json; means are null when nothing was scored. */
  JsonObject toJson(String red, String blue, String judgeModel, int requests, int retries) {
    JsonObject o = new JsonObject();
    o.addProperty("red_corner_model_name_or_path", red);
    o.addProperty("blue_corner_model_name_or_path", blue);
    o.addProperty("judge_model", judgeModel);
    o.addProperty("prompts", prompts);
    o.addProperty("scored", scored);
    o.addProperty("red_mean_score", Double.isNaN(redMean) ? null : redMean);
    o.addProperty("blue_mean_score", Double.isNaN(blueMean) ? null : blueMean);
    o.addProperty("blue_wins", blueWins);
    o.addProperty("ties", ties);
    o.addProperty("blue_losses", blueLosses);
    o.addProperty("parse_failures", parseFailures);
    o.addProperty("request_failures", requestFailures);
    o.addProperty("requests", requests);
    o.addProperty("retries", retries);
    return o;
  }
}
