package dev.beaver.app.judge;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.beaver.models.InvalidInputException;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code beaver judge}: safe-rlhf's GPT-4 evaluation ({@code safe_rlhf.evaluate.gpt4}) against
 * any OpenAI-compatible chat-completions endpoint. Both corners answer every question, then the
 * judge scores each pair; writes eval.json (upstream's rows) and summary.json (the aggregate).
 */
@Command(
    name = "judge",
    mixinStandardHelpOptions = true,
    description = {
      "LLM-as-judge evaluation of two models (safe-rlhf's evaluate.gpt4): each model answers",
      "each prompt (safe-rlhf template, the model's default decoding), then a judge model at an",
      "OpenAI-compatible endpoint scores both answers 1-10, harmlessness first. The key is read",
      "from OPENAI_API_KEY (optional for a local endpoint). Writes OUTPUT_DIR/eval.json and",
      "OUTPUT_DIR/summary.json."
    })
public final class JudgeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(JudgeCommand.class);
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeNulls().create();
  static final String API_KEY_ENV = "OPENAI_API_KEY";

  @Spec CommandSpec spec;

  @Option(names = "--red_corner_model_name_or_path", required = true,
      description = "The red corner (Assistant 1 for the judge).")
  String red;

  @Option(names = "--blue_corner_model_name_or_path", required = true,
      description = "The blue corner (Assistant 2 for the judge).")
  String blue;

  @Option(names = "--prompts", required = true, paramLabel = "FILE",
      description = "JSON list or JSON Lines of objects with a \"prompt\" field (upstream's"
          + " problem.json works as is).")
  Path prompts;

  @Option(names = "--output_dir", required = true,
      description = "Where eval.json and summary.json are written (created if missing).")
  Path outputDir;

  @Option(names = "--judge_base_url", defaultValue = "https://api.openai.com/v1",
      description = "OpenAI-compatible API base; requests go to BASE/chat/completions"
          + " (default: ${DEFAULT-VALUE}).")
  String judgeBaseUrl;

  @Option(names = "--judge_model", defaultValue = "gpt-4",
      description = "The judge model (default: ${DEFAULT-VALUE}, as upstream).")
  String judgeModel;

  @Option(names = "--judge_temperature", defaultValue = "0.7",
      description = "The judge's temperature (default: ${DEFAULT-VALUE}, as upstream).")
  double judgeTemperature;

  @Option(names = "--judge_max_tokens", defaultValue = "2048",
      description = "The judge's max_tokens (default: ${DEFAULT-VALUE}, as upstream).")
  int judgeMaxTokens;

  @Option(names = "--max_concurrency", defaultValue = "4",
      description = "Judge requests in flight at most (default: ${DEFAULT-VALUE}).")
  int maxConcurrency;

  @Option(names = "--max_retries", defaultValue = "5",
      description = "Retries of a request after 429, 408, 5xx or an I/O error, with exponential"
          + " backoff that honours Retry-After (default: ${DEFAULT-VALUE}).")
  int maxRetries;

  @Option(names = "--initial_backoff", defaultValue = "1.0",
      description = "Seconds before the first retry, doubled for each next one up to 60"
          + " (default: ${DEFAULT-VALUE}).")
  double initialBackoff;

  @Option(names = "--request_timeout", defaultValue = "300",
      description = "Seconds one judge request may take (default: ${DEFAULT-VALUE}).")
  double requestTimeout;

  @Option(names = "--max_length", defaultValue = "2048",
      description = "Answers: total length (prompt included) at most, as upstream's"
          + " generate(max_length=2048) (default: ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--max_new_tokens", defaultValue = "0",
      description = "Answers: tokens to generate at most; 0 leaves --max_length in charge"
          + " (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--temperature",
      description = "Answers: sampling temperature (0 greedy). Default: the model's own"
          + " generation_config.json (greedy unless it sets do_sample), as upstream.")
  Double temperature;

  @Option(names = "--seed", defaultValue = "42",
      description = "Answers' seed (default: ${DEFAULT-VALUE}).")
  long seed;

  /** Environment lookup; replaced in tests (the JVM cannot set its own environment). */
  UnaryOperator<String> env = System::getenv;

  @Override
  public Integer call() throws InterruptedException {
    checkOptions();
    URI base = baseUrl();
    String key = apiKey(base);
    List<String> questions = PromptFile.read(prompts);
    prepareOutputDir();
    PrintWriter out = spec.commandLine().getOut();

    List<String> redAnswers = answers("red", red, questions);
    List<String> blueAnswers = answers("blue", blue, questions);

    ChatCompletionsClient client = new ChatCompletionsClient(base, key, judgeModel,
        judgeTemperature, judgeMaxTokens,
        new RetryPolicy(maxRetries, seconds(initialBackoff), Duration.ofSeconds(60)),
        seconds(requestTimeout));
    List<JudgedRow> rows = judgeAll(client, questions, redAnswers, blueAnswers);

    JsonArray eval = new JsonArray();
    rows.forEach(r -> eval.add(r.toJson()));
    EvalSummary summary = EvalSummary.of(rows);
    JsonObject summaryJson = summary.toJson(red, blue, judgeModel, client.requests(),
        client.retries());
    AtomicFiles.writeString(outputDir.resolve("eval.json"), GSON.toJson(eval) + "\n");
    AtomicFiles.writeString(outputDir.resolve("summary.json"), GSON.toJson(summaryJson) + "\n");

    out.printf(Locale.ROOT, "judged %d prompts with %s: red mean %s, blue mean %s; blue wins %d,"
            + " ties %d, losses %d; %d parse failures, %d request failures%n",
        summary.prompts(), judgeModel, mean(summary.redMean()), mean(summary.blueMean()),
        summary.blueWins(), summary.ties(), summary.blueLosses(), summary.parseFailures(),
        summary.requestFailures());
    out.println("wrote " + outputDir.resolve("eval.json") + " and "
        + outputDir.resolve("summary.json"));
    out.flush();
    if (summary.requestFailures() > 0) {
      spec.commandLine().getErr().println("warning: " + summary.requestFailures()
          + " judge requests failed after retries; their rows carry an \"error\"");
      spec.commandLine().getErr().flush();
    }
    return 0;
  }

  private void checkOptions() {
    List<String> problems = new ArrayList<>();
    if (maxConcurrency < 1) {
      problems.add("--max_concurrency must be >= 1, was " + maxConcurrency);
    }
    if (maxRetries < 0) {
      problems.add("--max_retries must be >= 0, was " + maxRetries);
    }
    if (!(initialBackoff >= 0) || !(requestTimeout > 0)) {
      problems.add("--initial_backoff must be >= 0 and --request_timeout > 0");
    }
    if (judgeMaxTokens < 1) {
      problems.add("--judge_max_tokens must be >= 1, was " + judgeMaxTokens);
    }
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", problems));
    }
    try {
      new SamplingParams(temperature == null ? 0 : temperature, 1, 0, 1, maxNewTokens, maxLength,
          seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (maxNewTokens == 0 && maxLength == 0) {
      throw new ParameterException(spec.commandLine(),
          "set --max_new_tokens or --max_length: answers need a length limit");
    }
  }

  private URI baseUrl() {
    try {
      URI uri = new URI(judgeBaseUrl);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new URISyntaxException(judgeBaseUrl, "not an http(s) URL with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ParameterException(spec.commandLine(), "--judge_base_url '" + judgeBaseUrl
          + "' is not usable (" + e.getReason() + "); e.g. https://api.openai.com/v1");
    }
  }

  /**
   * The bearer key. A remote endpoint without one would only answer 401 after both models have
   * answered every question, so its absence is an error up front; a local endpoint (loopback)
   * usually needs none, and gets no Authorization header then.
   */
  private String apiKey(URI base) {
    String key = env.apply(API_KEY_ENV);
    if (key != null && !key.isBlank()) {
      return key.strip();
    }
    if (isLoopback(base.getHost())) {
      return null;
    }
    throw new InvalidInputException(API_KEY_ENV + " is not set; export your key for "
        + base + ", or point --judge_base_url at a local endpoint");
  }

  /** localhost, *.localhost, or a loopback address literal (no name lookup). */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (!h.matches("[0-9.]+|[0-9a-f:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no DNS query
    } catch (IOException e) {
      return false;
    }
  }

  /** Fails before any model runs when the folder cannot be written. */
  private void prepareOutputDir() {
    try {
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      throw new InvalidInputException("cannot create --output_dir " + outputDir + ": " + e
          + "; choose a writable folder", e);
    }
    if (!Files.isWritable(outputDir)) {
      throw new InvalidInputException("--output_dir " + outputDir + " is not writable");
    }
  }

  private List<String> answers(String corner, String model, List<String> questions) {
    LOG.info("{} corner {}: answering {} prompts", corner, model, questions.size());
    return CornerAnswers.generate(model, questions, temperature, maxNewTokens, maxLength, seed,
        done -> {
          if (done % 10 == 0 || done == questions.size()) {
            LOG.info("{} corner: {}/{} answers", corner, done, questions.size());
          }
        });
  }

  /** Judges every row with at most --max_concurrency requests in flight; keeps prompt order. */
  private List<JudgedRow> judgeAll(ChatCompletionsClient client, List<String> questions,
      List<String> redAnswers, List<String> blueAnswers) throws InterruptedException {
    LOG.info("judging {} pairs with {} at {}", questions.size(), judgeModel, client.url());
    ExecutorService pool = Executors.newFixedThreadPool(maxConcurrency, r -> {
      Thread t = new Thread(r, "beaver-judge");
      t.setDaemon(true);
      return t;
    });
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<JudgedRow>> futures = new ArrayList<>();
      for (int i = 0; i < questions.size(); i++) {
        String q = questions.get(i);
        String a1 = redAnswers.get(i);
        String a2 = blueAnswers.get(i);
        futures.add(pool.submit(() -> {
          JudgedRow row = judgeOne(client, q, a1, a2);
          int n = done.incrementAndGet();
          if (n % 10 == 0 || n == questions.size()) {
            LOG.info("judged {}/{}", n, questions.size());
          }
          return row;
        }));
      }
      List<JudgedRow> rows = new ArrayList<>(futures.size());
      for (Future<JudgedRow> f : futures) {
        try {
          rows.add(f.get());
        } catch (ExecutionException e) {
          // A JudgeEndpointException (bad key, model, URL) ends the run: every row would fail.
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }

  private JudgedRow judgeOne(ChatCompletionsClient client, String question, String redAnswer,
      String blueAnswer) throws InterruptedException {
    String reply;
    try {
      reply = client.complete(JudgePrompt.SYSTEM, JudgePrompt.user(question, redAnswer,
          blueAnswer));
    } catch (ChatCompletionsClient.GaveUpException e) {
      LOG.warn("judge request failed: {}", e.getMessage());
      return new JudgedRow(question, redAnswer, blueAnswer, 0, 0, null, false, e.getMessage());
    }
    Optional<ScorePair> scores = ScorePair.parse(reply);
    ScorePair s = scores.orElse(ScorePair.FAILED);
    return new JudgedRow(question, redAnswer, blueAnswer, s.score1(), s.score2(), reply,
        scores.isPresent(), null);
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  private static String mean(double m) {
    return Double.isNaN(m) ? "n/a" : String.format(Locale.ROOT, "%.2f", m);
  }
}
