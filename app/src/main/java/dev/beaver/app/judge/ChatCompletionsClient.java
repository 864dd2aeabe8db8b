package dev.beaver.app.judge;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chat completion at a time per calling thread, against an OpenAI-compatible endpoint
 * ({@code POST {base}/chat/completions}, bearer key), with retries per {@link RetryPolicy}.
 * Thread-safe: the concurrency limit is the number of threads that call it.
 */
final class ChatCompletionsClient {
  /** The request could not be completed within the retries; the row records why. */
  static final class GaveUpException extends Exception {
    GaveUpException(String message) {
      super(message);
    }
  }

  private final HttpClient http;
  private final URI url;
  private final String apiKey;
  private final String model;
  private final double temperature;
  private final int maxTokens;
  private final RetryPolicy retry;
  private final Duration timeout;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();

  /**
   * @param baseUrl e.g. {@code https://api.openai.com/v1}
   * @param apiKey sent as {@code Authorization: Bearer}; null sends no header (local servers)
   */
  ChatCompletionsClient(URI baseUrl, String apiKey, String model, double temperature,
      int maxTokens, RetryPolicy retry, Duration timeout) {
    String base = baseUrl.toString().replaceAll("/+$", "");
    this.url = URI.create(base + "/chat/completions");
    this.apiKey = apiKey;
    this.model = model;
    this.temperature = temperature;
    this.maxTokens = maxTokens;
    this.retry = retry;
    this.timeout = timeout;
    // Plain http is spoken as HTTP/1.1 (no h2c upgrade dance with small local servers).
    this.http = HttpClient.newBuilder()
        .version("http".equals(url.getScheme()) ? HttpClient.Version.HTTP_1_1
            : HttpClient.Version.HTTP_2)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  URI url() {
    return url;
  }

  /** HTTP requests sent so far, retries included. */
  int requests() {
    return requests.get();
  }

  /** Requests that were repeats of a failed one. */
  int retries() {
    return retries.get();
  }

  /** The request body: the model, the two messages, temperature and max_tokens. */
  JsonObject body(String system, String user) {
    JsonObject o = new JsonObject();
    o.addProperty("model", model);
    JsonArray messages = new JsonArray();
    messages.add(message("system", system));
    messages.add(message("user", user));
    o.add("messages", messages);
    o.addProperty("temperature", temperature);
    o.addProperty("max_tokens", maxTokens);
    return o;
  }

  /**
   * The assistant's reply ({@code choices[0].message.content}).
   *
   * @throws GaveUpException when every attempt failed with a retryable error
   * @throws JudgeEndpointException on a status retrying cannot fix
   */
  String complete(String system, String user) throws GaveUpException, InterruptedException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(system, user).toString(),
            StandardCharsets.UTF_8));
    if (apiKey != null) {
      rb.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest request = rb.build();
    String lastProblem = "";
    for (int attempt = 0; ; attempt++) {
      if (attempt > 0) {
        retries.incrementAndGet();
      }
      requests.incrementAndGet();
      HttpResponse<String> response = null;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status / 100 == 2) {
          String content = content(response.body());
          if (content != null) {
            return content;
          }
          lastProblem = "HTTP " + status + " without choices[0].message.content: "
              + excerpt(response.body());
        } else if (RetryPolicy.retryable(status)) {
          lastProblem = "HTTP " + status + ": " + excerpt(response.body());
        } else {
          throw new JudgeEndpointException("the judge endpoint " + url + " answered HTTP " + status
              + ": " + excerpt(response.body()) + "; check --judge_model, --judge_base_url and"
              + " OPENAI_API_KEY");
        }
      } catch (IOException e) {
        lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (attempt >= retry.maxRetries()) {
        throw new GaveUpException("gave up after " + (attempt + 1) + " attempts; last: "
            + lastProblem);
      }
      Duration wait = retry.delay(attempt + 1,
          response == null ? Optional.empty()
              : response.headers().firstValue("retry-after-ms"),
          response == null ? Optional.empty()
              : response.headers().firstValue("retry-after"),
          Instant.now(), ThreadLocalRandom.current().nextDouble());
      Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
    }
  }

  /** {@code choices[0].message.content} of a completion, or null when it is not there. */
  static String content(String body) {
    try {
      JsonElement root = JsonParser.parseString(body);
      JsonArray choices = root.getAsJsonObject().getAsJsonArray("choices");
      JsonElement content = choices.get(0).getAsJsonObject().getAsJsonObject("message")
          .get("content");
      return content != null && content.isJsonPrimitive() ? content.getAsString() : null;
    } catch (JsonParseException | IllegalStateException | ClassCastException
        | NullPointerException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static JsonObject message(String role, String content) {
    JsonObject m = new JsonObject();
    m.addProperty("role", role);
    m.addProperty("content", content);
    return m;
  }

  /** The start of a body, on one line, for error messages. */
  private static String excerpt(String body) {
    String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
