package dev.beaver.app.judge;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP chat-completions endpoint on loopback for tests: answers each request from a
 * script kept per question (the text after "[Question]"), the last step repeating; records
 * every request and the most requests it saw in flight at once.
 */
final class ScriptedJudgeServer implements AutoCloseable {
  /** One scripted answer: a status, extra headers, and the completion text (for 2xx). */
  record Step(int status, Map<String, String> headers, String content) {
    static Step ok(String content) {
      return new Step(200, Map.of(), content);
    }

    static Step status(int status, Map<String, String> headers) {
      return new Step(status, headers, null);
    }
  }

  /** A request as the server saw it. */
  record Seen(String question, String authorization, JsonObject body, long nanoTime) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Deque<Step>> script = new HashMap<>();
  private final List<Seen> seen = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final long delayMillis;

  /** @param delayMillis how long each answer takes (to overlap requests) */
  ScriptedJudgeServer(long delayMillis) throws IOException {
    this.delayMillis = delayMillis;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /** Scripts the answers to {@code question}'s requests, in order. */
  synchronized ScriptedJudgeServer on(String question, Step... steps) {
    script.put(question, new ArrayDeque<>(List.of(steps)));
    return this;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  synchronized List<Seen> seen() {
    return List.copyOf(seen);
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, Step.status(405, Map.of()));
        return;
      }
      JsonObject body = JsonParser.parseString(
          new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
      String user = body.getAsJsonArray("messages").get(1).getAsJsonObject()
          .get("content").getAsString();
      String question = user.substring("[Question]\n".length(),
          user.indexOf("\n\n[The Start of Assistant 1's Answer]"));
      Step step;
      synchronized (this) {
        seen.add(new Seen(question, ex.getRequestHeaders().getFirst("Authorization"), body,
            System.nanoTime()));
        Deque<Step> steps = script.get(question);
        step = steps == null ? Step.status(404, Map.of())
            : steps.size() > 1 ? steps.removeFirst() : steps.peekFirst();
      }
      Thread.sleep(delayMillis);
      reply(ex, step);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
      ex.close();
    }
  }

  private static void reply(HttpExchange ex, Step step) throws IOException {
    String body;
    if (step.content() != null) {
      JsonObject message = new JsonObject();
      message.addProperty("role", "assistant");
      message.addProperty("content", step.content());
      JsonObject choice = new JsonObject();
      choice.addProperty("index", 0);
      choice.add("message", message);
      JsonArray choices = new JsonArray();
      choices.add(choice);
      JsonObject o = new JsonObject();
      o.addProperty("object", "chat.completion");
      o.add("choices", choices);
      body = o.toString();
    } else {
      body = "{\"error\":{\"message\":\"scripted status " + step.status() + "\"}}";
    }
    step.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", "application/json");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(step.status(), bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
