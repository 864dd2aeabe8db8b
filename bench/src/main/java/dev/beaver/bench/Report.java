package dev.beaver.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Prints the performance-target table (docs/benchmarks.md) from JMH JSON results: every row is a
 * candidate divided by a baseline measured in the same run, or by a fixed anchor from
 * performance-targets.md where the baseline cannot run here (llama.cpp).
 *
 * <pre>java -cp 'bench/target/benchmarks.jar:bench/target/lib/*' dev.beaver.bench.Report bench/target/jmh.json</pre>
 */
public final class Report {
  /** llama.cpp, 2 threads, stories260K, batched B = 32 (performance-targets.md). */
  static final double LLAMA_CPP_STORIES_B32_TOK_S = 3300;

  /** STREAM triad on this machine kind, 2 threads (performance-targets.md). */
  static final double MEMORY_BANDWIDTH_BYTES_S = 31e9;

  static final String DECODE = DecodeBenchmark.class.getName() + ".generate";
  static final String TRAIN = TrainStepBenchmark.class.getName() + ".forwardBackward";
  static final String MATMUL = MatmulBenchmark.class.getName() + ".matmul";
  static final String PPO = PpoLagIterationBenchmark.class.getName() + ".iteration";
  static final String PIPELINE = PipelineBenchmark.class.getName() + ".syncAndAsync";
  static final String MONITORING = MonitoringBenchmark.class.getName() + ".withAndWithout";
  static final String MONITORING_MESSAGES = MonitoringMessageBenchmark.class.getName() + ".send";
  static final String BROADCAST = BroadcastBenchmark.class.getName() + ".broadcast";

  /**
   * One JMH result: benchmark method, parameters, mean seconds per operation, and the spread of
   * its measurement iterations, (max − min) ÷ 2 ÷ mean (NaN with one iteration). The spread is
   * shown instead of JMH's 99.9% confidence half-width, which with 3 iterations (t = 31.6) is
   * wider than the mean itself and says little. {@code secondary}: the measurement iterations'
   * values of each secondary metric (JMH auxiliary counters), all forks in order.
   */
  record Result(String benchmark, Map<String, String> params, double secondsPerOp,
      double relativeSpread, Map<String, List<Double>> secondary) {
    Result(String benchmark, Map<String, String> params, double secondsPerOp,
        double relativeSpread) {
      this(benchmark, params, secondsPerOp, relativeSpread, Map.of());
    }

    String param(String name) {
      return params.get(name);
    }

    /** The sum of a counter over all measurement iterations (NaN when it is missing). */
    double sum(String counter) {
      List<Double> v = secondary.get(counter);
      if (v == null || v.isEmpty()) {
        return Double.NaN;
      }
      double s = 0;
      for (double x : v) {
        s += x;
      }
      return s;
    }

    /** The largest value of a counter over the measurement iterations (settings). */
    double max(String counter) {
      List<Double> v = secondary.get(counter);
      if (v == null || v.isEmpty()) {
        return Double.NaN;
      }
      double m = Double.NEGATIVE_INFINITY;
      for (double x : v) {
        m = Math.max(m, x);
      }
      return m;
    }

    int intParam(String name) {
      return Integer.parseInt(params.get(name));
    }
  }

  private final List<Result> results;
  private final List<String[]> rows = new ArrayList<>();

  Report(List<Result> results) {
    this.results = results;
  }

  /**
   * {@code Report JSON...} prints the table; {@code Report --merge OUT JSON...} concatenates the
   * results of several JMH runs (scripts/bench.sh runs its heavy cases with fewer iterations)
   * into one JSON file.
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0 || (args[0].equals("--merge") && args.length < 2)) {
      System.err.println("usage: Report JMH_JSON... | Report --merge OUT_JSON JMH_JSON...");
      System.exit(2);
    }
    if (args[0].equals("--merge")) {
      JsonArray all = new JsonArray();
      for (int i = 2; i < args.length; i++) {
        all.addAll(read(Path.of(args[i])));
      }
      Files.writeString(Path.of(args[1]),
          new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
              .toJson(all), StandardCharsets.UTF_8);
      return;
    }
    List<Result> results = new ArrayList<>();
    Set<String> vms = new LinkedHashSet<>();
    Map<String, List<String>> bySettings = new java.util.LinkedHashMap<>();
    for (String a : args) {
      for (JsonElement e : read(Path.of(a))) {
        JsonObject o = e.getAsJsonObject();
        results.add(parse(o));
        vms.add(String.format(Locale.ROOT, "JMH %s, %s %s (JDK %s), fork JVM args %s",
            str(o, "jmhVersion"), str(o, "vmName"), str(o, "vmVersion"), str(o, "jdkVersion"),
            str(o, "jvmArgs")));
        String settings = String.format(Locale.ROOT, "forks %s, warmup %s × %s, measurement %s × %s",
            str(o, "forks"), str(o, "warmupIterations"), str(o, "warmupTime"),
            str(o, "measurementIterations"), str(o, "measurementTime"));
        bySettings.computeIfAbsent(settings, k -> new ArrayList<>())
            .add(shortName(str(o, "benchmark")) + paramsText(o));
      }
    }
    vms.forEach(System.out::println);
    bySettings.forEach((k, v) -> System.out.println(k + ": " + String.join("; ", v)));
    System.out.println();
    System.out.print(new Report(results).render());
  }

  private static JsonArray read(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray();
  }

  private static String shortName(String benchmark) {
    String[] parts = benchmark.split("\\.");
    return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
  }

  private static String paramsText(JsonObject o) {
    if (!o.has("params")) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" {");
    for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
      sb.append(sb.length() > 2 ? ", " : "").append(p.getKey()).append('=')
          .append(p.getValue().getAsString());
    }
    return sb.append('}').toString();
  }

  private static String str(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return "?";
    }
    if (e.isJsonArray()) {
      List<String> items = new ArrayList<>();
      e.getAsJsonArray().forEach(x -> items.add(x.getAsString()));
      return String.join(" ", items);
    }
    return e.getAsString();
  }

  static Result parse(JsonObject o) {
    Map<String, String> params = new TreeMap<>();
    if (o.has("params")) {
      for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
        params.put(p.getKey(), p.getValue().getAsString());
      }
    }
    JsonObject m = o.getAsJsonObject("primaryMetric");
    double score = number(m.get("score"));
    double seconds = score * secondsPer(m.get("scoreUnit").getAsString());
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int count = 0;
    if (m.has("rawData")) {
      for (JsonElement fork : m.getAsJsonArray("rawData")) {
        for (JsonElement it : fork.getAsJsonArray()) {
          double v = number(it);
          min = Math.min(min, v);
          max = Math.max(max, v);
          count++;
        }
      }
    }
    double spread = count > 1 && score > 0 ? (max - min) / 2 / score : Double.NaN;
    Map<String, List<Double>> secondary = new TreeMap<>();
    if (o.has("secondaryMetrics")) {
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("secondaryMetrics").entrySet()) {
        List<Double> values = new ArrayList<>();
        JsonObject sm = e.getValue().getAsJsonObject();
        if (sm.has("rawData")) {
          for (JsonElement fork : sm.getAsJsonArray("rawData")) {
            for (JsonElement it : fork.getAsJsonArray()) {
              values.add(number(it));
            }
          }
        }
        secondary.put(e.getKey(), values);
      }
    }
    return new Result(o.get("benchmark").getAsString(), params, seconds, spread, secondary);
  }

  /** JMH writes NaN and infinities as strings. */
  private static double number(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return Double.NaN;
    }
    try {
      return e.getAsDouble();
    } catch (NumberFormatException ex) {
      return Double.NaN;
    }
  }

  /** Seconds in one unit of an average-time score such as "ms/op". */
  static double secondsPer(String unit) {
    String u = unit.substring(0, unit.indexOf('/'));
    switch (u) {
      case "s":
        return 1;
      case "ms":
        return 1e-3;
      case "us":
        return 1e-6;
      case "ns":
        return 1e-9;
      default:
        throw new IllegalArgumentException("unsupported score unit " + unit
            + " (run in AverageTime mode, as the benchmarks declare)");
    }
  }

  String render() {
    double gemm = gemmFlops();
    decodeRows();
    storiesRows();
    boundRows(gemm);
    trainRows(gemm);
    List<String> notes = new ArrayList<>();
    ppoRows(gemm, notes);
    if (!pipelineRows(notes)) {
      rows.add(new String[] {"asynchronous vs synchronous pipeline, samples/s", "n/a", "n/a",
          "n/a (PipelineBenchmark not run)", "≥ 1.8×", ""});
    }
    if (!broadcastRows(notes)) {
      rows.add(new String[] {"weight broadcast vs raw loopback TCP, bytes/s", "n/a", "n/a",
          "n/a (BroadcastBenchmark not run)", "≥ 0.5", ""});
      rows.add(new String[] {"weight broadcast, time to 4 workers vs 1", "n/a", "n/a",
          "n/a (BroadcastBenchmark not run)", "≤ 1.5×", ""});
    }
    if (!monitoringRows(notes)) {
      rows.add(new String[] {"instrumentation overhead, pipeline throughput", "n/a", "n/a",
          "n/a (MonitoringBenchmark not run)", "< 5%", ""});
    }

    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Baseline: fp32 GEMM through DJL → libtorch = %s%n%n",
        Double.isNaN(gemm) ? "not measured (MatmulBenchmark missing)" : fmt(gemm / 1e9, 1)
            + " GFLOP/s" + gemmNote()));
    sb.append("± = half the range of the measurement iterations ÷ mean (none: one measured"
        + " operation). tok/s = batch · new tokens ÷ time per operation.\n\n");
    sb.append("| ratio | candidate | baseline | candidate ÷ baseline | target | verdict |\n");
    sb.append("|---|---|---|---|---|---|\n");
    for (String[] r : rows) {
      sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    if (!notes.isEmpty()) {
      sb.append('\n');
      for (String n : notes) {
        sb.append("- ").append(n).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * fp32 GEMM FLOP/s from MatmulBenchmark: the fastest of its runs (scripts/bench.sh measures it
   * at the start and at the end of the suite), n = 1024 when several sizes ran. Taking the
   * fastest keeps ratios against it conservative on a machine shared with other work.
   */
  double gemmFlops() {
    double best = Double.NaN;
    for (Result r : gemmResults()) {
      double n = r.intParam("n");
      double flops = 2 * n * n * n / r.secondsPerOp();
      if (Double.isNaN(best) || flops > best) {
        best = flops;
      }
    }
    return best;
  }

  private List<Result> gemmResults() {
    List<Result> all = new ArrayList<>();
    List<Result> n1024 = new ArrayList<>();
    for (Result r : results) {
      if (r.benchmark().equals(MATMUL)) {
        all.add(r);
        if ("1024".equals(r.param("n"))) {
          n1024.add(r);
        }
      }
    }
    return n1024.isEmpty() ? all : n1024;
  }

  private String gemmNote() {
    List<Result> runs = gemmResults();
    if (runs.isEmpty()) {
      return "";
    }
    List<String> each = new ArrayList<>();
    for (Result r : runs) {
      double n = r.intParam("n");
      each.add(fmt(2 * n * n * n / r.secondsPerOp() / 1e9, 1) + err(r));
    }
    int n = runs.get(0).intParam("n");
    return " (" + n + "×" + n + "·" + n + "×" + n + "; fastest of " + runs.size() + " run"
        + (runs.size() > 1 ? "s: " : ": ") + String.join(", ", each) + " GFLOP/s)";
  }

  /** Decode tokens/s: batch · newTokens per operation. */
  static double tokensPerSecond(Result r) {
    return r.intParam("batch") * (double) r.intParam("newTokens") / r.secondsPerOp();
  }

  private Result decode(String model, int batch, int newTokens, boolean cache) {
    for (Result r : results) {
      if (r.benchmark().equals(DECODE) && model.equals(r.param("model"))
          && r.intParam("batch") == batch && r.intParam("newTokens") == newTokens
          && Boolean.parseBoolean(r.param("cache")) == cache) {
        return r;
      }
    }
    return null;
  }

  /** (model, batch, newTokens) combinations that ran, in a stable order. */
  private TreeSet<String> decodeKeys() {
    TreeSet<String> keys = new TreeSet<>();
    for (Result r : results) {
      if (r.benchmark().equals(DECODE)) {
        keys.add(String.format(Locale.ROOT, "%s|%05d|%05d", r.param("model"),
            r.intParam("newTokens"), r.intParam("batch")));
      }
    }
    return keys;
  }

  private void decodeRows() {
    for (String key : decodeKeys()) {
      String[] k = key.split("\\|");
      String model = k[0];
      int newTokens = Integer.parseInt(k[1]);
      int batch = Integer.parseInt(k[2]);
      Result withCache = decode(model, batch, newTokens, true);
      Result without = decode(model, batch, newTokens, false);
      if (withCache == null || without == null) {
        continue;
      }
      double ratio = without.secondsPerOp() / withCache.secondsPerOp();
      rows.add(new String[] {
          "decode, KV cache vs recomputation: " + model + " B=" + batch + ", " + newTokens
              + " new tokens",
          tokS(withCache), tokS(without), fmt(ratio, 2) + "×", "≥ 10× at 256 tokens",
          newTokens == 256 ? verdict(ratio >= 10) : "indicative (" + newTokens + " tokens)"});
    }
  }

  private void storiesRows() {
    for (Result r : results) {
      if (r.benchmark().equals(DECODE) && BenchModels.STORIES_260K.equals(r.param("model"))
          && r.intParam("batch") == 32 && Boolean.parseBoolean(r.param("cache"))) {
        double ratio = tokensPerSecond(r) / LLAMA_CPP_STORIES_B32_TOK_S;
        rows.add(new String[] {
            "decode, stories260K B=32 (KV cache, " + r.intParam("newTokens")
                + " new tokens) vs llama.cpp", tokS(r),
            fmt(LLAMA_CPP_STORIES_B32_TOK_S, 0) + " tok/s (anchor)", fmt(ratio, 2), "≥ 1.0",
            verdict(ratio >= 1.0)});
      }
    }
  }

  private void boundRows(double gemm) {
    double n = BenchModels.llama20mConfig().parameterCount();
    for (Result r : results) {
      if (r.benchmark().equals(DECODE) && BenchModels.LLAMA_20M.equals(r.param("model"))
          && r.intParam("batch") == 32 && Boolean.parseBoolean(r.param("cache"))) {
        int b = 32;
        double memoryBound = b * MEMORY_BANDWIDTH_BYTES_S / (4 * n);
        double computeBound = gemm / (2 * n);
        double bound = Math.min(memoryBound, computeBound);
        double ratio = tokensPerSecond(r) / bound;
        rows.add(new String[] {
            "decode, llama20m (N=" + fmt(n / 1e6, 1) + "M) B=32 (KV cache, "
                + r.intParam("newTokens") + " new tokens) vs decode bound",
            tokS(r),
            fmt(bound, 0) + " tok/s = min(B·31 GB/s÷4N = " + fmt(memoryBound, 0)
                + ", GEMM÷2N = " + fmt(computeBound, 0) + ")",
            fmt(ratio, 2), "≥ 0.6 (stated for the 42M shape)", verdict(ratio >= 0.6)});
      }
    }
  }

  private void trainRows(double gemm) {
    double n = BenchModels.llama20mConfig().parameterCount();
    for (Result r : results) {
      if (r.benchmark().equals(TRAIN)) {
        int b = r.intParam("batch");
        int t = r.intParam("seqLen");
        double flops = 6 * n * b * t / r.secondsPerOp();
        double mfu = flops / gemm;
        rows.add(new String[] {
            "training step (forward+backward), llama20m B=" + b + "×T=" + t + ": MFU",
            fmt(flops / 1e9, 1) + " GFLOP/s = 6N·" + b * t + " tokens ÷ "
                + fmt(r.secondsPerOp() * 1e3, 0) + " ms" + err(r),
            fmt(gemm / 1e9, 1) + " GFLOP/s (GEMM)", fmt(mfu, 2), "≥ 0.5", verdict(mfu >= 0.5)});
      }
    }
  }

  /**
   * PPO-Lag iteration: model FLOPs per iteration (counted by the benchmark from the positions it
   * really computed) ÷ time per iteration, against the GEMM rate (MFU); samples/s in the notes.
   */
  private void ppoRows(double gemm, List<String> notes) {
    for (Result r : results) {
      if (!r.benchmark().equals(PPO)) {
        continue;
      }
      double ops = r.sum("ops");
      double flopPerOp = r.sum("modelGflop") * 1e9 / ops;
      double seconds = r.secondsPerOp();
      double flops = flopPerOp / seconds;
      double mfu = flops / gemm;
      String what = r.param("model") + " B=" + r.param("batch") + ", " + r.param("newTokens")
          + " new tokens";
      rows.add(new String[] {
          "PPO-Lag iteration (generate, score, critic values, train actor + 2 critics), " + what
              + ": MFU",
          fmt(flops / 1e9, 1) + " GFLOP/s = " + fmt(flopPerOp / 1e9, 1) + " GFLOP ÷ "
              + fmt(seconds, 2) + " s" + err(r),
          fmt(gemm / 1e9, 1) + " GFLOP/s (GEMM)", fmt(mfu, 2),
          "none set (training step: ≥ 0.5)", "measured"});
      double samples = r.sum("samples") / ops;
      double rollout = r.sum("rolloutSeconds") / ops;
      double train = r.sum("trainSeconds") / ops;
      notes.add(String.format(Locale.ROOT, "PPO-Lag iteration, %s: %s s per iteration = %s"
          + " samples/s; of it generation + scoring + critic values %s s (%s generated tokens/s"
          + " over that phase), trainBatch %s s; %s GFLOP per iteration.", what, fmt(seconds, 2),
          fmt(samples / seconds, 2), fmt(rollout, 2),
          fmt(r.sum("generatedTokens") / ops / rollout, 0), fmt(train, 2),
          fmt(flopPerOp / 1e9, 1)));
    }
  }

  /**
   * Asynchronous vs synchronous pipeline (simulated-latency rollout): samples/s in the steady
   * state (the target row) and over the whole run; rollout tokens/s and staleness in the notes.
   */
  private boolean pipelineRows(List<String> notes) {
    boolean any = false;
    for (Result r : results) {
      if (!r.benchmark().equals(PIPELINE)) {
        continue;
      }
      any = true;
      String what = r.param("model") + ", " + r.param("rounds") + " rounds × "
          + r.param("batch") + " prompts, micro-batch " + r.param("trainBatch") + ", "
          + r.param("newTokens") + " new tokens, " + r.param("workers") + " worker(s)";
      double syncSteady = r.sum("syncSteadySamples") / r.sum("syncSteadySeconds");
      double asyncSteady = r.sum("asyncSteadySamples") / r.sum("asyncSteadySeconds");
      double syncRun = r.sum("syncSamples") / r.sum("syncSeconds");
      double asyncRun = r.sum("asyncSamples") / r.sum("asyncSeconds");
      double steadyRatio = asyncSteady / syncSteady;
      double runRatio = asyncRun / syncRun;
      String label = "asynchronous (max_staleness 1) vs synchronous (0) pipeline, samples/s,"
          + " simulated-latency rollout";
      rows.add(new String[] {label + ", steady state: " + what,
          fmt(asyncSteady, 2) + " samples/s", fmt(syncSteady, 2) + " samples/s",
          fmt(steadyRatio, 2) + "×", "≥ 1.8×", verdict(steadyRatio >= 1.8)});
      rows.add(new String[] {label + ", whole run incl. the pipeline's fill: " + what,
          fmt(asyncRun, 2) + " samples/s", fmt(syncRun, 2) + " samples/s",
          fmt(runRatio, 2) + "×", "≥ 1.8× (steady state)",
          "indicative (" + r.param("rounds") + " rounds)"});
      notes.add(String.format(Locale.ROOT, "Pipeline (%s): SIMULATED-LATENCY rollout, every"
          + " micro-batch takes at least %s ms (real sampling, then a sleep), calibrated to the"
          + " learner's update of %s ms per round (synchronous, in this run).", what,
          fmt(r.max("latencyMs"), 0), fmt(r.max("calibratedUpdateMs"), 0)));
      for (String mode : new String[] {"sync", "async"}) {
        double seconds = r.sum(mode + "Seconds");
        notes.add(String.format(Locale.ROOT, "Pipeline, %s: %s samples/s (steady state %s),"
            + " rollout %s generated tokens/s, learner waiting %s%% of the run; staleness"
            + " histogram (rows trained at staleness 0, 1): [%s, %s]; %s run(s).",
            mode.equals("sync") ? "synchronous" : "asynchronous",
            fmt(r.sum(mode + "Samples") / seconds, 2),
            fmt(r.sum(mode + "SteadySamples") / r.sum(mode + "SteadySeconds"), 2),
            fmt(r.sum(mode + "RolloutTokens") / seconds, 0),
            fmt(100 * r.sum(mode + "LearnerWaitSeconds") / seconds, 0),
            fmt(r.sum(mode + "Staleness0Rows"), 0), fmt(r.sum(mode + "Staleness1Rows"), 0),
            fmt(r.sum("pairs"), 0)));
      }
    }
    return any;
  }

  /**
   * MonitoringBenchmark: steady-state samples/s with monitoring and the dashboard on ÷ without;
   * the overhead is 1 − that ratio.
   */
  private boolean monitoringRows(List<String> notes) {
    boolean any = false;
    for (Result r : results) {
      if (!r.benchmark().equals(MONITORING)) {
        continue;
      }
      any = true;
      String what = r.param("model") + ", " + r.param("rounds") + " rounds × "
          + r.param("batch") + " prompts, micro-batch " + r.param("trainBatch") + ", "
          + r.param("workers") + " worker(s), max_length " + r.param("maxLength");
      double on = r.sum("onSteadySamples") / r.sum("onSteadySeconds");
      double off = r.sum("offSteadySamples") / r.sum("offSteadySeconds");
      double ratio = on / off;
      rows.add(new String[] {"instrumentation overhead, pipeline throughput (monitoring +"
          + " dashboard on ÷ off, steady state): " + what, fmt(on, 2) + " samples/s",
          fmt(off, 2) + " samples/s", fmt(ratio, 3) + " (overhead "
          + fmt(100 * (1 - ratio), 1) + "%)", "≥ 0.95 (< 5%)", verdict(ratio >= 0.95)});
      // Per operation (one pair of runs): robust to a pair disturbed by other load.
      List<Double> pairs = new ArrayList<>();
      List<Double> os = r.secondary().getOrDefault("onSteadySamples", List.of());
      List<Double> ot = r.secondary().getOrDefault("onSteadySeconds", List.of());
      List<Double> fs = r.secondary().getOrDefault("offSteadySamples", List.of());
      List<Double> ft = r.secondary().getOrDefault("offSteadySeconds", List.of());
      for (int i = 0; i < Math.min(Math.min(os.size(), ot.size()), Math.min(fs.size(),
          ft.size())); i++) {
        pairs.add((os.get(i) / ot.get(i)) / (fs.get(i) / ft.get(i)));
      }
      java.util.Collections.sort(pairs);
      double median = pairs.isEmpty() ? Double.NaN : pairs.size() % 2 == 1
          ? pairs.get(pairs.size() / 2)
          : (pairs.get(pairs.size() / 2 - 1) + pairs.get(pairs.size() / 2)) / 2;
      if (!pairs.isEmpty()) {
        notes.add(String.format(Locale.ROOT, "Monitoring, on ÷ off per pair of runs (steady"
            + " state): median %s, range %s–%s over %d pair(s).", fmt(median, 3),
            fmt(pairs.get(0), 3), fmt(pairs.get(pairs.size() - 1), 3), pairs.size()));
      }
      double onRun = r.sum("onSamples") / r.sum("onSeconds");
      double offRun = r.sum("offSamples") / r.sum("offSeconds");
      notes.add(String.format(Locale.ROOT, "Monitoring (%s): whole runs %s vs %s samples/s"
          + " (ratio %s); %s pair(s) of runs, order alternating; %s dashboard reads answered"
          + " during the monitored runs.", what, fmt(onRun, 2), fmt(offRun, 2),
          fmt(onRun / offRun, 3), fmt(r.sum("pairs"), 0), fmt(r.sum("scrapes"), 0)));
    }
    Result on = null;
    Result off = null;
    for (Result r : results) {
      if (r.benchmark().equals(MONITORING_MESSAGES)) {
        if ("on".equals(r.param("monitoring"))) {
          on = r;
        } else if ("off".equals(r.param("monitoring"))) {
          off = r;
        }
      }
    }
    if (on != null && off != null) {
      any = true;
      double onNs = on.secondsPerOp() * 1e9;
      double offNs = off.secondsPerOp() * 1e9;
      rows.add(new String[] {"instrumentation, time per message of an empty actor (worst case;"
          + " pipeline messages carry ms of model work)", fmt(onNs, 0) + " ns" + err(on),
          fmt(offNs, 0) + " ns" + err(off), fmt(onNs / offNs, 2) + "× (+" + fmt(onNs - offNs, 0)
          + " ns per message)", "", "indicative"});
    }
    return any;
  }

  private Result broadcast(String mode, int receivers, String payloadMiB) {
    for (Result r : results) {
      if (r.benchmark().equals(BROADCAST) && mode.equals(r.param("mode"))
          && r.intParam("receivers") == receivers && payloadMiB.equals(r.param("payloadMiB"))) {
        return r;
      }
    }
    return null;
  }

  private static String mibS(double bytes, Result r) {
    return fmt(bytes / r.secondsPerOp() / (1 << 20), 0) + " MiB/s" + err(r);
  }

  private static String ms(Result r) {
    return fmt(r.secondsPerOp() * 1e3, 0) + " ms" + err(r);
  }

  /**
   * Weight broadcast between JVMs on loopback (BroadcastBenchmark): chunked transfer bytes/s
   * against raw TCP sockets of the same run, and broadcast time to R receivers against one, for
   * the pipelined relay ({@code Broadcast}) and for R independent senders (the learner's way
   * before the relay).
   */
  private boolean broadcastRows(List<String> notes) {
    Set<String> sizes = new TreeSet<>();
    for (Result r : results) {
      if (r.benchmark().equals(BROADCAST)) {
        sizes.add(r.param("payloadMiB"));
      }
    }
    boolean any = false;
    for (String size : sizes) {
      double bytes = Double.parseDouble(size) * (1 << 20);
      Result raw = broadcast("rawTcp", 1, size);
      String what = size + " MiB, JVM to JVM over 127.0.0.1";
      for (String mode : new String[] {"bulk", "independent", "relay"}) {
        Result one = broadcast(mode, 1, size);
        if (raw != null && one != null) {
          any = true;
          double ratio = raw.secondsPerOp() / one.secondsPerOp();
          rows.add(new String[] {"weight broadcast vs raw loopback TCP, bytes/s: "
              + modeName(mode) + " to 1 receiver, " + what,
              mibS(bytes, one), mibS(bytes, raw) + " (java.net sockets)", fmt(ratio, 2),
              "≥ 0.5", verdict(ratio >= 0.5)});
        }
      }
      for (String mode : new String[] {"bulk", "relay", "independent"}) {
        Result one = broadcast(mode, 1, size);
        for (int n : new int[] {2, 4}) {
          Result many = broadcast(mode, n, size);
          if (one == null || many == null) {
            continue;
          }
          any = true;
          double ratio = many.secondsPerOp() / one.secondsPerOp();
          boolean target = n == 4 && !mode.equals("independent");
          rows.add(new String[] {"weight broadcast, time to " + n + " workers vs 1: "
              + modeName(mode) + ", " + what,
              ms(many), ms(one), fmt(ratio, 2) + "×", "≤ 1.5× (4 workers)",
              target ? verdict(ratio <= 1.5) : "indicative"});
        }
      }
      StringBuilder times = new StringBuilder();
      for (String mode : new String[] {"rawTcp", "bulk", "independent", "relay"}) {
        for (int n : new int[] {1, 2, 4}) {
          Result r = broadcast(mode, n, size);
          if (r != null) {
            times.append(times.length() == 0 ? "" : "; ").append(mode).append(" R=").append(n)
                .append(": ").append(ms(r)).append(" (")
                .append(fmt(n * bytes / r.secondsPerOp() / (1 << 20), 0))
                .append(" MiB/s delivered)");
          }
        }
      }
      if (times.length() > 0) {
        notes.add("Weight broadcast, " + what + ", time per broadcast: " + times
            + ". Every JVM (sender and R receivers) shares this machine's cores.");
      }
    }
    return any;
  }

  private static String modeName(String mode) {
    return switch (mode) {
      case "bulk" -> "bulk data plane (BulkSender, chain relayed per chunk)";
      case "relay" -> "Artery pipelined relay (Broadcast)";
      default -> "Artery independent senders (one ChunkSender per worker)";
    };
  }

  private static String tokS(Result r) {
    return fmt(tokensPerSecond(r), 0) + " tok/s" + err(r);
  }

  private static String err(Result r) {
    return Double.isNaN(r.relativeSpread()) ? ""
        : " ±" + fmt(100 * r.relativeSpread(), 0) + "%";
  }

  private static String verdict(boolean met) {
    return met ? "met" : "not met";
  }

  static String fmt(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }
}
