package dev.beaver.app.demo;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's {@code metrics.jsonl} as series: metric name → (steps, values), in file order. A
 * line that is not a JSON object (a run cut short mid-write) ends the reading.
 */
final class MetricsSeries {
  private final Map<String, List<double[]>> byName = new LinkedHashMap<>();

  private MetricsSeries() {}

  /** Reads {@code file}; a missing file gives no series. */
  static MetricsSeries read(Path file) {
    MetricsSeries m = new MetricsSeries();
    if (!Files.isRegularFile(file)) {
      return m;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      JsonObject o;
      try {
        o = JsonParser.parseString(line).getAsJsonObject();
      } catch (RuntimeException e) {
        break;
      }
      JsonElement stepEl = o.get("step");
      if (stepEl == null || !stepEl.isJsonPrimitive()) {
        continue;
      }
      double step = stepEl.getAsDouble();
      for (Map.Entry<String, JsonElement> e : o.entrySet()) {
        if (e.getValue().isJsonPrimitive() && e.getValue().getAsJsonPrimitive().isNumber()) {
          m.byName.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
              .add(new double[] {step, e.getValue().getAsDouble()});
        }
      }
    }
    return m;
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  /** {x[], y[]} of {@code name} (empty arrays when absent). */
  double[][] xy(String name) {
    List<double[]> points = byName.getOrDefault(name, List.of());
    double[] x = new double[points.size()];
    double[] y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i)[0];
      y[i] = points.get(i)[1];
    }
    return new double[][] {x, y};
  }

  /** The last value of {@code name}, or NaN. */
  double last(String name) {
    List<double[]> points = byName.get(name);
    return points == null || points.isEmpty() ? Double.NaN : points.get(points.size() - 1)[1];
  }
}
