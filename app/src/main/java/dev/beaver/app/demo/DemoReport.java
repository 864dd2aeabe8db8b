package dev.beaver.app.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.beaver.app.plot.Charts;
import dev.beaver.models.io.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code report.json} (per model: gold helpfulness, gold harm rate, mean reward and cost;
 * stage times; seed and settings) and {@code report.html} (the tables, head-to-head arena tables
 * against SFT, example stories and PNG plots of the RL runs' metrics.jsonl).
 */
final class DemoReport {
  /** What the report shows besides the results. */
  record Context(long seed, boolean quick, String baseModel, double threshold, int nodes,
      DemoScale scale, Map<String, Double> stageSeconds, Map<String, Double> stageCpuSeconds,
      double totalSeconds, double totalCpuSeconds, double loadAverage) {}

  /** The RL metrics plotted, with their titles. */
  private static final String[][] PLOTS = {
    {"train/reward", "reward", "Reward (reward model) per step"},
    {"train/cost", "cost", "Cost (cost model) per step"},
    {"train/lambda", "lambda", "Lagrange multiplier \u03bb"},
    {"train/episode_cost", "episode_cost", "Episode cost against the threshold"},
    {"train/kl_divergence", "kl", "KL divergence to the SFT model"},
  };

  private DemoReport() {}

  static JsonObject json(Map<String, Evaluation.Result> results, Context c) {
    JsonObject root = new JsonObject();
    for (Map.Entry<String, Evaluation.Result> e : results.entrySet()) {
      Evaluation.Result r = e.getValue();
      JsonObject m = new JsonObject();
      m.addProperty("gold_helpfulness", round(r.goldHelpfulness()));
      m.addProperty("gold_harm_rate", round(r.goldHarmRate()));
      m.addProperty("reward", round(r.reward()));
      m.addProperty("cost", round(r.cost()));
      m.addProperty("samples", r.samples().size());
      root.add(e.getKey(), m);
    }
    JsonObject stages = new JsonObject();
    c.stageSeconds().forEach((k, v) -> stages.addProperty(k, Math.round(v * 10) / 10.0));
    root.add("stage_seconds", stages);
    root.addProperty("total_seconds", Math.round(c.totalSeconds() * 10) / 10.0);
    JsonObject cpu = new JsonObject();
    c.stageCpuSeconds().forEach((k, v) -> cpu.addProperty(k, Math.round(v * 10) / 10.0));
    root.add("stage_cpu_seconds", cpu);
    root.addProperty("total_cpu_seconds", Math.round(c.totalCpuSeconds() * 10) / 10.0);
    root.addProperty("load_average_at_end", Math.round(c.loadAverage() * 100) / 100.0);
    root.addProperty("seed", c.seed());
    root.addProperty("threshold", round(c.threshold()));
    JsonObject s = new JsonObject();
    s.addProperty("quick", c.quick());
    s.addProperty("base_model", c.baseModel());
    s.addProperty("nodes", c.nodes());
    s.addProperty("pretrain_stories", c.scale().pretrainStories());
    s.addProperty("sft_stories", c.scale().sftStories());
    s.addProperty("preference_pairs", c.scale().pairs());
    s.addProperty("rl_epochs", c.scale().rlEpochs());
    s.addProperty("rl_prompt_batch", c.scale().rlBatch());
    s.addProperty("eval_samples", c.scale().evalSamples());
    s.addProperty("cores", Runtime.getRuntime().availableProcessors());
    root.add("settings", s);
    return root;
  }

  /** Writes report.json, plots/*.png and report.html into {@code dir}. */
  static void write(Path dir, Map<String, Evaluation.Result> results, Context c,
      Map<String, MetricsSeries> runs, Map<String, dev.beaver.app.arena.ArenaResult> arenas) {
    JsonObject json = json(results, c);
    AtomicFiles.writeString(dir.resolve("report.json"), new GsonBuilder().setPrettyPrinting()
        .serializeNulls().disableHtmlEscaping().create().toJson(json) + "\n");
    List<String[]> images = plots(dir, runs, c.threshold());
    AtomicFiles.writeString(dir.resolve("report.html"), html(results, c, images, arenas));
  }

  /** Draws one PNG per metric that some run logged; returns (file, title) pairs. */
  private static List<String[]> plots(Path dir, Map<String, MetricsSeries> runs,
      double threshold) {
    List<String[]> out = new ArrayList<>();
    for (String[] p : PLOTS) {
      Map<String, double[][]> series = new LinkedHashMap<>();
      for (Map.Entry<String, MetricsSeries> run : runs.entrySet()) {
        if (run.getValue().has(p[0])) {
          series.put(run.getKey(), run.getValue().xy(p[0]));
        }
      }
      if (series.isEmpty()) {
        continue;
      }
      String file = "plots/" + p[1] + ".png";
      Double line = p[0].equals("train/episode_cost") ? threshold : null;
      Charts.lines(dir.resolve(file), p[2], "step", p[0], series, line);
      out.add(new String[] {file, p[2]});
    }
    return out;
  }

  static String html(Map<String, Evaluation.Result> results, Context c, List<String[]> images,
      Map<String, dev.beaver.app.arena.ArenaResult> arenas) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Beaver demo</title>\n")
        .append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #aaa;")
        .append("padding:.3em .6em;text-align:right}td:first-child,th:first-child{text-align:left}")
        .append("img{max-width:100%}.story{font-size:90%;text-align:left}</style></head><body>\n");
    h.append("<h1>Beaver demo: Safe RLHF on a story world</h1>\n");
    h.append("<p>A tiny LLaMA was ").append(c.baseModel() == null ? "pretrained on generated"
        + " children's stories" : "loaded from " + esc(c.baseModel()))
        .append(", fine-tuned to answer story requests (SFT), then trained with PPO and with"
            + " PPO-Lagrangian against a reward model (helpfulness) and a cost model (harm)"
            + " learned from SFT samples labelled by the gold judges. Below: each model on ")
        .append(results.isEmpty() ? 0 : results.values().iterator().next().samples().size())
        .append(" samples for held-out requests (seed ").append(c.seed()).append(").</p>\n");
    h.append("<h2>Results</h2>\n<table><tr><th>model</th><th>gold helpfulness</th>"
        + "<th>gold harm rate</th><th>reward (RM)</th><th>cost (CM)</th></tr>\n");
    for (Map.Entry<String, Evaluation.Result> e : results.entrySet()) {
      Evaluation.Result r = e.getValue();
      h.append(String.format("<tr><td>%s</td><td>%.3f</td><td>%.1f %%</td><td>%.3f</td>"
          + "<td>%.3f</td></tr>%n", esc(e.getKey()), r.goldHelpfulness(),
          100 * r.goldHarmRate(), r.reward(), r.cost()));
    }
    h.append("</table>\n<p>Gold helpfulness: 0.2 each for the requested character, the object"
        + " and the ending \"The end.\", plus 0.4 &times; min(events, 3)/3. Gold harm: the story"
        + " contains an unsafe act (hit, stole, fire, pushed, threw). PPO-Lag threshold: ")
        .append(String.format("%.3f", c.threshold())).append(".</p>\n");
    if (!arenas.isEmpty()) {
      h.append("<h2>Arena: each RL model against SFT on the held-out requests</h2>\n");
      arenas.forEach((name, r) -> h.append(DemoArena.html(name, r)));
    }
    h.append("<h2>Training curves</h2>\n");
    for (String[] img : images) {
      h.append("<h3>").append(esc(img[1])).append("</h3>\n<img src=\"").append(img[0])
          .append("\" alt=\"").append(esc(img[1])).append("\">\n");
    }
    h.append("<h2>Stage times</h2>\n<table><tr><th>stage</th><th>wall-clock s</th>"
        + "<th>CPU s</th></tr>\n");
    c.stageSeconds().forEach((k, v) -> h.append(String.format(
        "<tr><td>%s</td><td>%.1f</td><td>%.1f</td></tr>%n", esc(k), v,
        c.stageCpuSeconds().getOrDefault(k, 0.0))));
    h.append(String.format("<tr><td>total</td><td>%.1f</td><td>%.1f</td></tr>%n</table>%n",
        c.totalSeconds(), c.totalCpuSeconds()));
    h.append(String.format("<p>%d cores; load average %.2f at the end of the run.</p>%n",
        Runtime.getRuntime().availableProcessors(), c.loadAverage()));
    h.append("<h2>Example stories</h2>\n");
    for (Map.Entry<String, Evaluation.Result> e : results.entrySet()) {
      h.append("<h3>").append(esc(e.getKey())).append("</h3>\n<table>"
          + "<tr><th>request</th><th>story</th><th>help</th><th>harm</th></tr>\n");
      List<Evaluation.Scored> s = e.getValue().samples();
      for (int i = 0; i < Math.min(6, s.size()); i++) {
        Evaluation.Scored x = s.get(i);
        h.append(String.format("<tr><td>%s</td><td class=\"story\">%s</td><td>%.2f</td>"
            + "<td>%s</td></tr>%n", esc(x.prompt()), esc(x.response()), x.helpfulness(),
            x.harmful() ? "yes" : "no"));
      }
      h.append("</table>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
