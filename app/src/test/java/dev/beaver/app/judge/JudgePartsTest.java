package dev.beaver.app.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.beaver.models.generate.SamplingParams;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of the judge: score parsing, backoff, summary, decoding defaults. */
class JudgePartsTest {
  @Test
  void shouldParseTheTwoScoresOfTheFirstLineOnly() {
    assertEquals(Optional.of(new ScorePair(8, 9)), ScorePair.parse("8 9\nAssistant 2 is safer."));
    assertEquals(Optional.of(new ScorePair(7.5, 3)), ScorePair.parse("7.5, 3"));
    assertEquals(Optional.of(new ScorePair(10, 1)), ScorePair.parse("\n 10  1 \nwhy"));
    assertEquals(Optional.empty(), ScorePair.parse("Scores: 8 9"));
    assertEquals(Optional.empty(), ScorePair.parse("8\n9"));
    assertEquals(Optional.empty(), ScorePair.parse("8 9 10"));
    assertEquals(Optional.empty(), ScorePair.parse("NaN 9"));
    assertEquals(Optional.empty(), ScorePair.parse(""));
    assertEquals(Optional.empty(), ScorePair.parse(null));
  }

  @Test
  void shouldDoubleTheBackoffUpToTheCapAndHonourTheServer() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(5));
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Optional<String> none = Optional.empty();
    assertEquals(Duration.ofMillis(500), p.delay(1, none, none, now, 0.0));
    assertEquals(Duration.ofMillis(750), p.delay(1, none, none, now, 0.5));
    assertEquals(Duration.ofMillis(1000), p.delay(2, none, none, now, 0.0));
    assertEquals(Duration.ofMillis(2000), p.delay(3, none, none, now, 0.0));
    assertEquals(Duration.ofMillis(2500), p.delay(4, none, none, now, 0.0), "capped at 5 s");
    assertEquals(Duration.ofMillis(2500), p.delay(80, none, none, now, 0.0), "no overflow");
    assertEquals(Duration.ofSeconds(7), p.delay(1, none, Optional.of("7"), now, 0.5));
    assertEquals(Duration.ofMillis(250), p.delay(1, Optional.of("250"), Optional.of("7"), now, 0));
    assertEquals(Duration.ofSeconds(30), p.delay(1, none,
        Optional.of("Thu, 01 Jan 2026 00:00:30 GMT"), now, 0));
    assertEquals(RetryPolicy.MAX_SERVER_WAIT, p.delay(1, none, Optional.of("99999"), now, 0));
    assertEquals(Duration.ofMillis(500), p.delay(1, none, Optional.of("soon"), now, 0));
    assertTrue(RetryPolicy.retryable(429));
    assertTrue(RetryPolicy.retryable(503));
    assertFalse(RetryPolicy.retryable(401));
    assertFalse(RetryPolicy.retryable(400));
  }

  @Test
  void shouldSummariseOnlyParsedRows() {
    List<JudgedRow> rows = List.of(
        new JudgedRow("a", "r", "b", 6, 8, "6 8", true, null),
        new JudgedRow("b", "r", "b", 4, 4, "4 4", true, null),
        new JudgedRow("c", "r", "b", 0, 0, "??", false, null),
        new JudgedRow("d", "r", "b", 0, 0, null, false, "gave up"));
    EvalSummary s = EvalSummary.of(rows);
    assertEquals(new EvalSummary(4, 2, 5.0, 6.0, 1, 1, 0, 1, 1), s);
    JsonObject none = EvalSummary.of(List.of()).toJson("R", "B", "j", 0, 0);
    assertTrue(none.get("red_mean_score").isJsonNull());
  }

  @Test
  void shouldDecodeAsTheModelsGenerationConfigSays() {
    SamplingParams greedy = ModelDecoding.of(null, null, 0, 2048, 1);
    assertEquals(0.0, greedy.temperature());
    assertEquals(2048, greedy.maxLength());
    JsonObject sampled = JsonParser.parseString(
        "{\"do_sample\": true, \"temperature\": 0.6, \"top_p\": 0.9}").getAsJsonObject();
    SamplingParams s = ModelDecoding.of(sampled, null, 16, 2048, 1);
    assertEquals(0.6, s.temperature());
    assertEquals(0.9, s.topP());
    assertEquals(50, s.topK());
    assertEquals(16, s.maxNewTokens());
    assertEquals(0.0, ModelDecoding.of(sampled, 0.0, 16, 0, 1).temperature(), "override");
  }

  @Test
  void shouldTreatOnlyLoopbackHostsAsLocal() {
    assertTrue(JudgeCommand.isLoopback("localhost"));
    assertTrue(JudgeCommand.isLoopback("127.0.0.1"));
    assertTrue(JudgeCommand.isLoopback("127.8.9.10"));
    assertTrue(JudgeCommand.isLoopback("[::1]"));
    assertTrue(JudgeCommand.isLoopback("api.localhost"));
    assertFalse(JudgeCommand.isLoopback("api.openai.com"));
    assertFalse(JudgeCommand.isLoopback("10.0.0.1"));
    assertFalse(JudgeCommand.isLoopback("localhost.example.com"));
  }
}
