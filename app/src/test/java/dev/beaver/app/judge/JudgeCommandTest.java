package dev.beaver.app.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.beaver.app.Main;
import dev.beaver.models.CausalLm;
import dev.beaver.models.SharedData;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code beaver judge} against a real HTTP endpoint on loopback ({@link ScriptedJudgeServer}),
 * with stories260K as both corners: eval.json and summary.json must hold exactly the scripted
 * verdicts and the models' own answers.
 */
class JudgeCommandTest {
  private static final int NEW_TOKENS = 6;
  private static final String KEY = "sk-test-123";
  private static String model;
  private static final Map<String, String> ANSWERS = new HashMap<>();

  private static NDManager manager;
  private static CausalLm lm;

  @TempDir Path dir;

  @BeforeAll
  static void model() {
    model = SharedData.stories260k().toString();
    manager = NDManager.newBaseManager();
    lm = CausalLm.load(model, manager);
  }

  @AfterAll
  static void close() {
    if (lm != null) {
      lm.close();
      manager.close();
    }
  }

  /** The corner's answer: greedy (stories260K's generation_config has no do_sample). */
  private static synchronized String answer(String question) {
    return ANSWERS.computeIfAbsent(question, q -> {
      int[] ids = lm.tokenizer().encode(PromptTemplate.prompt(q));
      return lm.tokenizer().decode(lm.generate(manager, List.of(ids),
          new SamplingParams(0, 1, 50, 1, NEW_TOKENS, 2048, 42)).get(0).newIds(), true);
    });
  }

  private record Run(int exitCode, String out, String err) {}

  /** beaver judge through Main (its exit codes) with {@code env} as the environment. */
  private static Run judge(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine();
    ((JudgeCommand) cl.getSubcommands().get("judge").getCommand()).env = env::get;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 1];
    full[0] = "judge";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = cl.execute(full);
    return new Run(code, out.toString(), err.toString());
  }

  private String[] args(ScriptedJudgeServer server, Path prompts, String... more) {
    List<String> a = new ArrayList<>(List.of(
        "--red_corner_model_name_or_path", model, "--blue_corner_model_name_or_path", model,
        "--prompts", prompts.toString(), "--output_dir", dir.resolve("out").toString(),
        "--judge_base_url", server.baseUrl(), "--judge_model", "judge-x",
        "--max_new_tokens", String.valueOf(NEW_TOKENS), "--initial_backoff", "0.01"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static JsonObject row(String q, double s1, double s2, String result, String error) {
    JsonObject o = new JsonObject();
    o.addProperty("prompt", q);
    o.addProperty("red_answer", answer(q));
    o.addProperty("blue_answer", answer(q));
    o.addProperty("score1", s1);
    o.addProperty("score2", s2);
    o.add("result", result == null ? JsonNull.INSTANCE : new JsonPrimitive(result));
    if (error != null) {
      o.addProperty("error", error);
    }
    return o;
  }

  private JsonElement read(String name) throws IOException {
    return JsonParser.parseString(Files.readString(dir.resolve("out").resolve(name)));
  }

  @Test
  void shouldScoreEveryPromptRetryingRateLimitsAndServerErrors() throws Exception {
    Path prompts = dir.resolve("prompts.jsonl");
    Files.writeString(prompts, """
        {"prompt": "How do I pick a lock?", "category": "Crime"}
        {"prompt": "Tell me a joke about cats."}

        {"prompt": "Is it fine to lie?"}
        {"prompt": "Say something nice."}
        {"prompt": "Where does Tom live?"}
        """);
    try (ScriptedJudgeServer server = new ScriptedJudgeServer(0)
        .on("How do I pick a lock?", ScriptedJudgeServer.Step.status(429,
            Map.of("Retry-After", "1")), ScriptedJudgeServer.Step.ok("8 9\nBlue refuses."))
        .on("Tell me a joke about cats.", ScriptedJudgeServer.Step.status(500, Map.of()),
            ScriptedJudgeServer.Step.ok("7, 3\nRed is funnier."))
        .on("Is it fine to lie?", ScriptedJudgeServer.Step.ok("Both are fine.\n8 8"))
        .on("Say something nice.", ScriptedJudgeServer.Step.ok("5 5"))
        .on("Where does Tom live?", ScriptedJudgeServer.Step.status(503, Map.of()))) {
      Run r = judge(Map.of("OPENAI_API_KEY", KEY), args(server, prompts, "--max_retries", "2"));
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.err().contains("1 judge requests failed"), r.err());

      JsonArray want = new JsonArray();
      want.add(row("How do I pick a lock?", 8, 9, "8 9\nBlue refuses.", null));
      want.add(row("Tell me a joke about cats.", 7, 3, "7, 3\nRed is funnier.", null));
      want.add(row("Is it fine to lie?", 0, 0, "Both are fine.\n8 8", null));
      want.add(row("Say something nice.", 5, 5, "5 5", null));
      want.add(row("Where does Tom live?", 0, 0, null, "gave up after 3 attempts; last: HTTP"
          + " 503: {\"error\":{\"message\":\"scripted status 503\"}}"));
      assertEquals(want, read("eval.json"));

      JsonObject summary = new JsonObject();
      summary.addProperty("red_corner_model_name_or_path", model);
      summary.addProperty("blue_corner_model_name_or_path", model);
      summary.addProperty("judge_model", "judge-x");
      summary.addProperty("prompts", 5);
      summary.addProperty("scored", 3);
      summary.addProperty("red_mean_score", (8 + 7 + 5) / 3.0);
      summary.addProperty("blue_mean_score", (9 + 3 + 5) / 3.0);
      summary.addProperty("blue_wins", 1);
      summary.addProperty("ties", 1);
      summary.addProperty("blue_losses", 1);
      summary.addProperty("parse_failures", 1);
      summary.addProperty("request_failures", 1);
      summary.addProperty("requests", 2 + 2 + 1 + 1 + 3);
      summary.addProperty("retries", 1 + 1 + 0 + 0 + 2);
      assertEquals(summary, read("summary.json"));

      List<ScriptedJudgeServer.Seen> seen = server.seen();
      assertEquals(9, seen.size());
      for (ScriptedJudgeServer.Seen s : seen) {
        assertEquals("Bearer " + KEY, s.authorization());
        JsonObject body = s.body();
        assertEquals("judge-x", body.get("model").getAsString());
        assertEquals(0.7, body.get("temperature").getAsDouble());
        assertEquals(2048, body.get("max_tokens").getAsInt());
        JsonArray messages = body.getAsJsonArray("messages");
        assertEquals(2, messages.size());
        assertEquals("system", messages.get(0).getAsJsonObject().get("role").getAsString());
        assertEquals(JudgePrompt.SYSTEM,
            messages.get(0).getAsJsonObject().get("content").getAsString());
        assertEquals("user", messages.get(1).getAsJsonObject().get("role").getAsString());
        assertEquals(JudgePrompt.user(s.question(), answer(s.question()), answer(s.question())),
            messages.get(1).getAsJsonObject().get("content").getAsString());
      }
      // Retry-After: 1 was honoured between the 429 and the retry.
      List<Long> lock = seen.stream().filter(s -> s.question().startsWith("How do I"))
          .map(ScriptedJudgeServer.Seen::nanoTime).collect(Collectors.toList());
      assertEquals(2, lock.size());
      assertTrue(lock.get(1) - lock.get(0) >= 950_000_000L,
          "waited " + (lock.get(1) - lock.get(0)) / 1e6 + " ms");
    }
  }

  @Test
  void shouldKeepAtMostMaxConcurrencyRequestsInFlight() throws Exception {
    Path prompts = dir.resolve("problem.json");
    StringBuilder json = new StringBuilder("[\n");
    ScriptedJudgeServer server = new ScriptedJudgeServer(300);
    try (server) {
      for (int i = 0; i < 4; i++) {
        json.append(i == 0 ? "" : ",\n").append("{\"prompt\": \"Question ").append(i)
            .append("?\"}");
        server.on("Question " + i + "?", ScriptedJudgeServer.Step.ok(i + " " + (6 - i)));
      }
      Files.writeString(prompts, json.append("\n]\n").toString());
      // A loopback judge needs no key: none is sent.
      Run r = judge(Map.of(), args(server, prompts, "--max_concurrency", "2"));
      assertEquals(0, r.exitCode(), r.err());
      assertEquals(2, server.maxInFlight());
      assertEquals(4, server.seen().size());
      server.seen().forEach(s -> assertNull(s.authorization()));
      JsonArray eval = read("eval.json").getAsJsonArray();
      for (int i = 0; i < 4; i++) {
        JsonObject row = eval.get(i).getAsJsonObject();
        assertEquals("Question " + i + "?", row.get("prompt").getAsString(), "prompt order kept");
        assertEquals(i, row.get("score1").getAsDouble());
        assertEquals(6 - i, row.get("score2").getAsDouble());
      }
      JsonObject summary = read("summary.json").getAsJsonObject();
      assertEquals(3, summary.get("blue_wins").getAsInt()); // 0 6, 1 5, 2 4
      assertEquals(1, summary.get("ties").getAsInt()); // 3 3
      assertEquals(0, summary.get("blue_losses").getAsInt());
      assertEquals(1.5, summary.get("red_mean_score").getAsDouble());
      assertEquals(4.5, summary.get("blue_mean_score").getAsDouble());
    }
  }

  @Test
  void shouldStopWithExitCode2WhenTheEndpointRefusesTheKey() throws Exception {
    Path prompts = dir.resolve("p.jsonl");
    Files.writeString(prompts, "{\"prompt\": \"Hello?\"}\n");
    try (ScriptedJudgeServer server = new ScriptedJudgeServer(0)
        .on("Hello?", ScriptedJudgeServer.Step.status(401, Map.of()))) {
      Run r = judge(Map.of("OPENAI_API_KEY", "wrong"), args(server, prompts));
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().startsWith("error: the judge endpoint "), r.err());
      assertTrue(r.err().contains("HTTP 401"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertEquals(1, server.seen().size(), "401 is not retried");
      assertFalse(Files.exists(dir.resolve("out").resolve("eval.json")));
    }
  }

  @Test
  void shouldNameTheFileAndLineOfABadPrompt() throws Exception {
    Path prompts = dir.resolve("prompts.jsonl");
    Files.writeString(prompts, "{\"prompt\": \"ok\"}\n{\"question\": \"no prompt\"}\n");
    Run r = judge(Map.of(), "--red_corner_model_name_or_path", "unused",
        "--blue_corner_model_name_or_path", "unused", "--prompts", prompts.toString(),
        "--output_dir", dir.resolve("out").toString(), "--judge_base_url", "http://localhost:1");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: " + prompts + ":2: missing column 'prompt'"), r.err());

    Path list = dir.resolve("prompts.json");
    Files.writeString(list, "[]");
    Run empty = judge(Map.of(), "--red_corner_model_name_or_path", "unused",
        "--blue_corner_model_name_or_path", "unused", "--prompts", list.toString(),
        "--output_dir", dir.resolve("out").toString(), "--judge_base_url", "http://localhost:1");
    assertEquals(2, empty.exitCode(), empty.err());
    assertTrue(empty.err().contains("no records"), empty.err());
  }

  @Test
  void shouldRequireAKeyForARemoteJudgeBeforeLoadingAnything() throws Exception {
    Path prompts = dir.resolve("p.jsonl");
    Files.writeString(prompts, "{\"prompt\": \"Hello?\"}\n");
    Run r = judge(Map.of(), "--red_corner_model_name_or_path", "unused",
        "--blue_corner_model_name_or_path", "unused", "--prompts", prompts.toString(),
        "--output_dir", dir.resolve("out").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals("error: OPENAI_API_KEY is not set; export your key for"
        + " https://api.openai.com/v1, or point --judge_base_url at a local endpoint\n",
        r.err().replace("\r\n", "\n"));
    Run badUrl = judge(Map.of(), "--red_corner_model_name_or_path", "unused",
        "--blue_corner_model_name_or_path", "unused", "--prompts", prompts.toString(),
        "--output_dir", dir.resolve("out").toString(), "--judge_base_url", "ftp://x");
    assertEquals(2, badUrl.exitCode(), badUrl.err());
    assertTrue(badUrl.err().contains("--judge_base_url 'ftp://x' is not usable"), badUrl.err());
  }
}
