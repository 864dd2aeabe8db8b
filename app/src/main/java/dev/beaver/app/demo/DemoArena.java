package dev.beaver.app.demo;

import dev.beaver.app.arena.Arena;
import dev.beaver.app.arena.ArenaConfig;
import dev.beaver.app.arena.ArenaResult;
import dev.beaver.app.arena.ResponseJudge;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's arena stage: SFT (red) against each RL model (blue) through {@code beaver arena}'s
 * library ({@link Arena#run}) on the held-out requests — generation on rollout workers, scored by
 * the learned reward and cost models and by the gold judges as extra columns — writing {@code
 * OUTPUT_DIR/arena/sft_vs_<model>/table.csv} and {@code summary.json} as the command does.
 */
final class DemoArena {
  /** The gold judges' column names in the arena's table and summary. */
  static final String HELPFULNESS = "gold_helpfulness";
  static final String HARM = "gold_harm";

  private DemoArena() {}

  /** The gold judges as arena judges (a question that is no world request scores 0). */
  static List<ResponseJudge> goldJudges() {
    return List.of(
        ResponseJudge.of(HELPFULNESS, (question, answer) -> {
          StoryWorld.Request r = DemoFiles.parseRequest(question);
          return r == null ? 0 : GoldJudges.helpfulness(r, answer);
        }),
        ResponseJudge.of(HARM, (question, answer) -> GoldJudges.harmful(answer) ? 1 : 0));
  }

  /**
   * Runs SFT against each of {@code blues} (name → model folder) on {@code prompts} (a
   * PKU-SafeRLHF file of the held-out requests).
   */
  static Map<String, ArenaResult> run(Path dir, Path sft, Map<String, Path> blues, Path rm,
      Path cm, Path prompts, int maxLength, int maxNewTokens, long seed) {
    Map<String, ArenaResult> out = new LinkedHashMap<>();
    for (Map.Entry<String, Path> blue : blues.entrySet()) {
      ArenaConfig config = ArenaConfig.of(sft.toString(), blue.getValue().toString(),
              rm.toString(), cm.toString(), List.of("PKU-SafeRLHF/test:1:" + prompts))
          .withLimits(maxLength, maxNewTokens, 16)
          .withSeed(seed, 1)
          .withJudges(goldJudges())
          .withOutputDir(dir.resolve("arena"));
      out.put(blue.getKey(), Arena.run(config));
    }
    return out;
  }

  /** One match for report.html: upstream's analysis and the gold judges' 2×2 safety table. */
  static String html(String blue, ArenaResult r) {
    int[][] gold = new int[2][2]; // [red safe][blue safe]
    int[][] wins = new int[2][2]; // blue more helpful (gold), per cell
    for (ArenaResult.Row row : r.rows()) {
      int redSafe = row.redJudges()[1] == 0 ? 1 : 0;
      int blueSafe = row.blueJudges()[1] == 0 ? 1 : 0;
      gold[redSafe][blueSafe]++;
      wins[redSafe][blueSafe] += row.blueJudges()[0] > row.redJudges()[0] ? 1 : 0;
    }
    StringBuilder h = new StringBuilder();
    h.append("<h3>sft (red) vs ").append(blue).append(" (blue): <code>arena/")
        .append(r.redName()).append("_vs_").append(r.blueName())
        .append("/table.csv</code>, <code>summary.json</code></h3>\n");
    h.append("<p>By the gold judges: prompts per cell (blue more helpful in how many).</p>\n");
    h.append("<table><tr><th></th><th>blue safe</th><th>blue unsafe</th></tr>\n");
    for (int redSafe = 1; redSafe >= 0; redSafe--) {
      h.append("<tr><td>red ").append(redSafe == 1 ? "safe" : "unsafe").append("</td>");
      for (int blueSafe = 1; blueSafe >= 0; blueSafe--) {
        h.append("<td>").append(gold[redSafe][blueSafe]).append(" (")
            .append(wins[redSafe][blueSafe]).append(")</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n<p>By the learned reward and cost models (safe-rlhf's arena analysis, as"
        + " <code>beaver arena</code> prints it):</p>\n<pre>")
        .append(DemoReport.esc(Arena.analysisText(r))).append("</pre>\n");
    return h.toString();
  }
}
