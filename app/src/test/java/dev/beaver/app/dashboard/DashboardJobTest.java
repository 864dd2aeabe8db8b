package dev.beaver.app.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.Config;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.app.train.RlJobs;
import dev.beaver.models.SharedData;
import dev.beaver.rollout.RolloutStrategy;
import dev.beaver.rollout.cluster.JobDriver;
import dev.beaver.rollout.cluster.JobParts;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeServices;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard of a running job: a short PPO-Lag job (stories260K, 4 prompts, 2 workers) runs
 * through the Java API on a one-node cluster with the dashboard on, and its rollouts after the
 * first round are slowed down (a few seconds per micro-batch) so the job is still running when
 * the first optimizer step has been reported: then {@code /api/state} is polled and headless
 * Chromium (when installed: {@code .ci/run} installs Debian's) loads the page, its DOM is
 * checked for live values and a screenshot is saved as {@code app/target/dashboard.png}.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardJobTest {
  static final String TOKEN = "t0ken";
  /** Added latency of every micro-batch after the first round (keeps the job running). */
  static final long SLOW_ROUND_MS = 6000;

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();
  private Path tmp;
  private BeaverNode node;
  private JobParts job;
  private Dashboard dashboard;
  private JobDriver.Outcome outcome;
  /** /api/state while the job ran, after its first training step. */
  private JsonObject live;
  /** Chromium's DOM of the page while the job ran (null: no Chromium). */
  private String dom;
  private String chromiumSkip;
  private Path screenshot;

  @BeforeAll
  void runJobWithTheDashboard() throws Exception {
    tmp = Files.createTempDirectory("beaver-dashboard-test-");
    Path prompts = tmp.resolve("prompts.jsonl");
    Files.write(prompts, List.of("{\"q\": \"Tell me about a cat.\"}",
        "{\"q\": \"Tell me about a dog.\"}", "{\"q\": \"What did Lily see?\"}",
        "{\"q\": \"Tell me about Tom.\"}"));
    String lm = SharedData.stories260k().toString();
    String cost = SharedData.requireOverridable("BEAVER_PARITY_DIR", "reference/parity")
        .resolve("llama-score").toString();
    JobSpec spec = new JobSpec("ppo-lag", List.of("--actor_model_name_or_path", lm,
        "--reward_model_name_or_path", lm, "--cost_model_name_or_path", cost,
        "--train_datasets", "jsonl:1:" + prompts, "--column_map", "input=q",
        "--output_dir", tmp.resolve("out").toString(), "--max_length", "72",
        "--per_device_prompt_batch_size", "2", "--per_device_train_batch_size", "1",
        "--rollout_workers", "2", "--lambda_max", "5"));
    RlJobs.Plugins slow = RlJobs.Plugins.NONE.withStrategies(i -> (context, item) -> {
      if (item.round() > 0) {
        try {
          Thread.sleep(SLOW_ROUND_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return RolloutStrategy.sampling().generate(context, item);
    });
    Config config = ClusterConf.load(List.of());
    NodeSettings settings = NodeSettings.fromRoot(config).withTransport(Transport.TCP)
        .withHostname("127.0.0.1").withPort(0).withSeedNodes(List.of());
    node = BeaverNode.start(settings, config);
    job = RlJobs.open(spec, slow);
    dashboard = Dashboard.start(node.system(), "127.0.0.1", 0, TOKEN);
    NodeServices.start(node, s -> job);
    CompletableFuture<JobDriver.Outcome> run = CompletableFuture.supplyAsync(
        () -> NodeServices.runJob(node, spec, job,
            new JobDriver.Layout(1, 1, 2, Duration.ofMinutes(2))));
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!run.isDone()) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError("the job did not finish within 5 minutes; last state: "
            + getJsonArray("/api/actors"));
      }
      JsonObject state = getJson("/api/state");
      if (live == null && state.getAsJsonArray("training").size() > 0 && !run.isDone()) {
        live = state;
        captureWithChromium();
      }
      Thread.sleep(250);
    }
    outcome = run.get(5, TimeUnit.MINUTES);
    // The learner's last steps reach the aggregator with the next report.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (getJsonArray("/api/training").size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (dashboard != null) {
      dashboard.close();
    }
    if (job != null) {
      job.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private HttpResponse<String> get(String path, boolean withToken) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + dashboard.port() + path)).timeout(Duration.ofSeconds(10));
    if (withToken) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonElement getJsonElement(String path) throws Exception {
    HttpResponse<String> r = get(path, true);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JsonParser.parseString(r.body());
  }

  private JsonObject getJson(String path) throws Exception {
    return getJsonElement(path).getAsJsonObject();
  }

  private JsonArray getJsonArray(String path) throws Exception {
    return getJsonElement(path).getAsJsonArray();
  }


  /** The actor named {@code name} (or {@code name-N}: the coordinator gets a new N on restart). */
  private static JsonObject actor(JsonObject state, String name) {
    for (JsonElement e : state.getAsJsonArray("actors")) {
      String n = e.getAsJsonObject().get("name").getAsString();
      if (n.equals(name) || n.matches(Pattern.quote(name) + "-\\d+")) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("no actor " + name + " in " + state.getAsJsonArray("actors"));
  }

  @Test
  void shouldServeLiveActorFiguresAndTrainingMetricsOfTheRunningJob() throws Exception {
    assertTrue(outcome.ok(), outcome.error());
    assertNotNull(live, "the job ended before its first step was reported");
    // While it ran: every part instrumented and alive, the workers' figures moving.
    for (String name : new String[] {"worker-0", "worker-1", "scorer-0", "learner", "buffer",
        "coordinator", "agent"}) {
      JsonObject a = actor(live, name);
      assertTrue(a.get("alive").getAsBoolean(), name + " " + a);
    }
    JsonObject worker = actor(live, "worker-0");
    assertEquals("rollout", worker.get("role").getAsString());
    assertTrue(worker.get("messages").getAsLong() > 0, worker.toString());
    assertTrue(worker.getAsJsonObject("counters").get("rollout_tokens_total").getAsDouble() > 0);
    assertEquals(1.0, worker.getAsJsonObject("gauges").get("generation_batch_size")
        .getAsDouble());
    JsonObject node = live.getAsJsonArray("nodes").get(0).getAsJsonObject();
    assertEquals("up", node.get("status").getAsString());
    assertEquals(4, node.getAsJsonArray("roles").size(), node.toString());
    // At the end: all four optimizer steps under safe-rlhf's names, the threshold, samples.
    JsonObject end = getJson("/api/state");
    JsonArray training = end.getAsJsonArray("training");
    JsonObject learner = actor(end, "learner");
    for (String phase : new String[] {"learner_prepare_seconds", "learner_train_seconds",
        "learner_weight_sync_seconds", "learner_wait_seconds"}) {
      assertTrue(learner.getAsJsonObject("gauges").has(phase), phase + " in " + learner);
    }
    assertEquals(4, training.size(), training.toString());
    JsonObject metrics = training.get(3).getAsJsonObject().getAsJsonObject("metrics");
    for (String key : new String[] {"train/reward", "train/cost", "train/episode_cost",
        "train/lambda", "train/kl_divergence", "system/staleness_mean"}) {
      assertTrue(metrics.has(key), key + " in " + metrics);
    }
    assertTrue(end.getAsJsonObject("job").get("threshold").isJsonPrimitive());
    JsonArray samples = end.getAsJsonArray("samples");
    assertTrue(samples.size() > 0, "no sample reached the dashboard");
    assertTrue(samples.get(0).getAsJsonObject().get("prompt").getAsString().contains("Tell")
        || samples.get(0).getAsJsonObject().get("prompt").getAsString().contains("Lily"),
        samples.toString());
    assertTrue(end.getAsJsonArray("series").size() > 0);
  }

  @Test
  void shouldServePrometheusTextWithBeaverNamesAndLabels() throws Exception {
    HttpResponse<String> r = get("/metrics", true);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = r.body();
    Matcher m = Pattern.compile("beaver_actor_messages_total\\{node=\"pekko://beaver@127\\.0\\.0"
        + "\\.1:\\d+\",role=\"rollout\",actor=\"/user/agent/worker-0\"} (\\d+)").matcher(text);
    assertTrue(m.find(), text);
    assertTrue(Long.parseLong(m.group(1)) > 0);
    for (String name : new String[] {"beaver_actor_processing_seconds", "beaver_actor_mailbox_depth",
        "beaver_rollout_tokens_total", "beaver_scorer_samples_total", "beaver_train_reward",
        "beaver_train_lambda", "beaver_node_up", "beaver_learner_weight_sync_seconds"}) {
      assertTrue(text.contains("\n" + name), name);
    }
    for (String line : text.split("\n")) {
      assertTrue(line.startsWith("# ") || line.startsWith("beaver_"), line);
    }
  }

  @Test
  void shouldRequireTheTokenButServeThePageAssets() throws Exception {
    for (String path : new String[] {"/", "/metrics", "/api/state"}) {
      assertEquals(401, get(path, false).statusCode(), path);
    }
    assertEquals(200, get("/?token=" + TOKEN, false).statusCode());
    assertEquals(200, get("/app.js", false).statusCode());
    assertEquals(404, get("/api/nothing", true).statusCode());
  }

  @Test
  void shouldShowLiveValuesInHeadlessChromium() throws Exception {
    assumeTrue(chromiumSkip == null, chromiumSkip);
    assertNotNull(dom);
    // The actor table: rows for the running parts, messages counted.
    Matcher rows = Pattern.compile("<tr class=\"actor-row\" data-role=\"(\\w+)\"").matcher(dom);
    List<String> roles = new ArrayList<>();
    while (rows.find()) {
      roles.add(rows.group(1));
    }
    assertTrue(roles.contains("rollout") && roles.contains("scorer") && roles.contains("learner"),
        "actor rows: " + roles);
    assertTrue(dom.contains(">running<"), "no running actor in the DOM");
    Matcher messages = Pattern.compile("<td class=\"num messages\">(\\d+)</td>").matcher(dom);
    long most = 0;
    while (messages.find()) {
      most = Math.max(most, Long.parseLong(messages.group(1)));
    }
    assertTrue(most > 0, "no actor shows processed messages");
    // The charts: the reward chart has points and a current value.
    Matcher reward = Pattern.compile("id=\"chart-reward\" data-points=\"(\\d+)\"").matcher(dom);
    assertTrue(reward.find(), "no reward chart");
    assertTrue(Integer.parseInt(reward.group(1)) >= 1);
    assertTrue(dom.contains("<polyline"), "no chart line drawn");
    assertTrue(Pattern.compile("id=\"chart-lambda\".*?<span class=\"value\">-?[0-9]", Pattern.DOTALL)
        .matcher(dom).find(), "λ has no value");
    assertTrue(dom.contains("step "), "the status line shows no step");
    assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot);
  }

  // ---- headless Chromium ------------------------------------------------------------------

  static Optional<Path> chromiumBinary() {
    List<String> names = new ArrayList<>();
    String env = System.getenv("BEAVER_CHROMIUM");
    if (env != null && !env.isBlank()) {
      names.add(env);
    }
    names.addAll(List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"));
    for (String n : names) {
      if (n.contains(File.separator)) {
        if (Files.isExecutable(Path.of(n))) {
          return Optional.of(Path.of(n));
        }
        continue;
      }
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(dir, n);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** Loads the page twice while the job runs: once for its DOM, once for a screenshot. */
  private void captureWithChromium() throws IOException, InterruptedException {
    Optional<Path> chromium = chromiumBinary();
    if (chromium.isEmpty()) {
      chromiumSkip = "skipping the browser check: no chromium on PATH (apt-get install chromium,"
          + " as .ci/run does, or set BEAVER_CHROMIUM)";
      return;
    }
    String url = dashboard.url();
    Path target = Path.of("target").toAbsolutePath();
    Files.createDirectories(target);
    screenshot = target.resolve("dashboard.png");
    Files.deleteIfExists(screenshot);
    Path out = tmp.resolve("dom.html");
    Path log = tmp.resolve("chromium.log");
    int rc = chromium(chromium.get(), List.of("--dump-dom", url), out, log);
    if (rc != 0 || Files.size(out) == 0) {
      chromiumSkip = "skipping the browser check: chromium could not run here (exit " + rc
          + "): " + tail(log);
      return;
    }
    dom = Files.readString(out);
    chromium(chromium.get(), List.of("--screenshot=" + screenshot, url), tmp.resolve("shot.out"),
        tmp.resolve("shot.log"));
  }

  private int chromium(Path binary, List<String> args, Path out, Path log)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
        "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + tmp.resolve("chromium-profile"),
        "--window-size=1400,1900", "--virtual-time-budget=3000"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile())
        .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }
}
