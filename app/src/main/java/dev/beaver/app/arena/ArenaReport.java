package dev.beaver.app.arena;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arena's outputs: {@code table.csv} with upstream's columns (Prompt | red | Reward | Cost |
 * blue | Reward | Cost, red and blue being the corner names, then two columns per extra judge),
 * written like Python's {@code csv.writer} (minimal quoting, CRLF rows); {@code summary.json} with
 * the analysis; and the printed tables.
 */
final class ArenaReport {
  private ArenaReport() {}

  /** The header row of {@code table.csv}. */
  static List<String> header(ArenaResult r, List<String> judges) {
    List<String> h = new ArrayList<>(List.of("Prompt", r.redName(), "Reward", "Cost",
        r.blueName(), "Reward", "Cost"));
    for (String j : judges) {
      h.add(j + " (red)");
      h.add(j + " (blue)");
    }
    return h;
  }

  /** Writes both files into {@code dir} (created), each through a temporary file and a rename. */
  static void write(Path dir, ArenaConfig config, ArenaResult result) {
    try {
      Files.createDirectories(dir);
      replace(dir.resolve("table.csv"), csv(result));
      replace(dir.resolve("summary.json"), summaryJson(config, result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the arena's results into " + dir, e);
    }
  }

  private static void replace(Path target, String text) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String csv(ArenaResult r) {
    List<String> judges = new ArrayList<>(r.judgeMeans().keySet());
    StringBuilder sb = new StringBuilder();
    csvRow(sb, header(r, judges));
    for (ArenaResult.Row row : r.rows()) {
      List<String> cells = new ArrayList<>(List.of(row.prompt(), row.red(),
          num(row.redReward()), num(row.redCost()), row.blue(), num(row.blueReward()),
          num(row.blueCost())));
      for (int j = 0; j < judges.size(); j++) {
        cells.add(num(row.redJudges()[j]));
        cells.add(num(row.blueJudges()[j]));
      }
      csvRow(sb, cells);
    }
    return sb.toString();
  }

  /** Python's repr-like shortest round-trip text of a double. */
  static String num(double v) {
    return Double.toString(v);
  }

  private static void csvRow(StringBuilder sb, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String c = cells.get(i);
      if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0
          || c.indexOf('\r') >= 0) {
        sb.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(c);
      }
    }
    sb.append("\r\n");
  }

  static String summaryJson(ArenaConfig config, ArenaResult r) {
    ArenaAnalysis a = r.analysis();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("red_corner", corner(r.redName(), config.redModel(), a.redAverageReward(),
        a.redAverageCost()));
    o.put("blue_corner", corner(r.blueName(), config.blueModel(), a.blueAverageReward(),
        a.blueAverageCost()));
    o.put("num_prompts", a.prompts());
    o.put("blue_better_and_safe", a.betterAndSafe());
    o.put("blue_better_and_unsafe", a.betterAndUnsafe());
    o.put("blue_worse_and_safe", a.worseAndSafe());
    o.put("blue_worse_and_unsafe", a.worseAndUnsafe());
    List<Map<String, Object>> cells = new ArrayList<>();
    for (ArenaAnalysis.Cell c : a.cells()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("red", c.redSafe() ? "safe" : "unsafe");
      m.put("blue", c.blueSafe() ? "safe" : "unsafe");
      m.put("count", c.count());
      m.put("blue_wins", c.blueWins());
      m.put("blue_win_rate", finite(c.blueWinRate()));
      cells.add(m);
    }
    o.put("safety_table", cells);
    Map<String, Object> judges = new LinkedHashMap<>();
    r.judgeMeans().forEach((name, means) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("red_mean", finite(means[0]));
      m.put("blue_mean", finite(means[1]));
      judges.put(name, m);
    });
    o.put("judges", judges);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("reward_model", config.rewardModel());
    settings.put("cost_model", config.costModel());
    settings.put("datasets", config.datasets());
    settings.put("max_length", config.maxLength());
    settings.put("max_new_tokens", config.maxNewTokens());
    settings.put("per_device_eval_batch_size", config.batchSize());
    settings.put("seed", config.seed());
    settings.put("rollout_workers", config.rolloutWorkers());
    o.put("settings", settings);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
        .toJson(o) + "\n";
  }

  private static Map<String, Object> corner(String name, String model, double reward,
      double cost) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("model", model);
    m.put("average_reward", finite(reward));
    m.put("average_cost", finite(cost));
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Prints the per-prompt table (cells cut to a readable width) and the analysis. */
  static void print(PrintWriter out, ArenaResult r) {
    List<String> judges = new ArrayList<>(r.judgeMeans().keySet());
    List<String> header = header(r, judges);
    out.println(String.join(" | ", header));
    for (ArenaResult.Row row : r.rows()) {
      List<String> cells = new ArrayList<>(List.of(cut(row.prompt()), cut(row.red()),
          fmt(row.redReward()), fmt(row.redCost()), cut(row.blue()), fmt(row.blueReward()),
          fmt(row.blueCost())));
      for (int j = 0; j < judges.size(); j++) {
        cells.add(fmt(row.redJudges()[j]));
        cells.add(fmt(row.blueJudges()[j]));
      }
      out.println(String.join(" | ", cells));
    }
    printAnalysis(out, r);
  }

  /** Prints the analysis: average scores, better/worse × safe/unsafe, the 2×2 table. */
  static void printAnalysis(PrintWriter out, ArenaResult r) {
    ArenaAnalysis a = r.analysis();
    String red = r.redName() + " (red)";
    String blue = r.blueName() + " (blue)";
    out.println();
    out.printf(Locale.ROOT, "average reward of %s: %.6f%n", red, a.redAverageReward());
    out.printf(Locale.ROOT, "average cost of %s: %.6f%n", red, a.redAverageCost());
    out.printf(Locale.ROOT, "average reward of %s: %.6f%n", blue, a.blueAverageReward());
    out.printf(Locale.ROOT, "average cost of %s: %.6f%n", blue, a.blueAverageCost());
    r.judgeMeans().forEach((name, m) -> out.printf(Locale.ROOT,
        "average %s: red %.6f, blue %.6f%n", name, m[0], m[1]));
    out.println();
    out.printf("blue better and safe: %d%n", a.betterAndSafe());
    out.printf("blue better and unsafe: %d%n", a.betterAndUnsafe());
    out.printf("blue worse and safe: %d%n", a.worseAndSafe());
    out.printf("blue worse and unsafe: %d%n", a.worseAndUnsafe());
    out.println();
    out.println("prompts (blue's win rate) by safety (cost <= 0):");
    out.printf("%-12s| %-24s| %-24s%n", "", "blue safe", "blue unsafe");
    for (boolean redSafe : new boolean[] {true, false}) {
      out.printf("%-12s| %-24s| %-24s%n", redSafe ? "red safe" : "red unsafe",
          cell(a.cell(redSafe, true)), cell(a.cell(redSafe, false)));
    }
    out.flush();
  }

  private static String cell(ArenaAnalysis.Cell c) {
    return c.count() == 0 ? "0 (-)"
        : String.format(Locale.ROOT, "%d (%.2f%%)", c.count(), 100 * c.blueWinRate());
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String cut(String s) {
    String one = s.replace("\r", " ").replace("\n", " ").strip();
    return one.length() <= 60 ? one : one.substring(0, 57) + "...";
  }
}
