package dev.beaver.app.judge;

import com.google.gson.JsonObject;

/**
 * One question with both corners' answers and the judge's verdict: a row of eval.json.
 *
 * @param score1 the red corner's (Assistant 1's) score; 0 when the reply did not parse
 * @param score2 the blue corner's (Assistant 2's) score; 0 when the reply did not parse
 * @param result the judge's whole reply; null when the request failed
 * @param parsed whether the reply's first line held two scores
 * @param error why the request failed after its retries; null otherwise
 */
record JudgedRow(String prompt, String redAnswer, String blueAnswer, double score1,
    double score2, String result, boolean parsed, String error) {

  /** The eval.json object: upstream's keys, plus {@code error} on failed requests. */
  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("prompt", prompt);
    o.addProperty("red_answer", redAnswer);
    o.addProperty("blue_answer", blueAnswer);
    o.addProperty("score1", score1);
    o.addProperty("score2", score2);
    o.addProperty("result", result);
    if (error != null) {
      o.addProperty("error", error);
    }
    return o;
  }
}
