package dev.beaver.actors.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusFormatTest {

  static NodeSnapshot snapshot() {
    var worker = new NodeSnapshot.ActorStats("/user/agent/worker-0", "worker-0", "rollout", true,
        42, 1, 0, 3, 10, 2.5, 1.0, 2.0, 4.0, Map.of("rollout_tokens_total", 640.0),
        Map.of("rollout_tokens_total", 64.0), Map.of("generation_batch_size", 2.0));
    return new NodeSnapshot("pekko://beaver@127.0.0.1:2551", List.of("rollout"), 1000, 1.0,
        100, 200, 0.5, 2, List.of(worker),
        List.of(new NodeSnapshot.TrainingStep(3, 1000, Map.of("train/reward", -0.25))),
        List.of());
  }

  @Test
  void shouldRenderPrefixedFamiliesWithNodeRoleAndActorLabels() {
    MonitorState state = new MonitorState();
    state.members(List.of(new MonitorState.Member("pekko://beaver@127.0.0.1:2551", "up",
        List.of("rollout"), true)));
    state.accept(snapshot());
    state.tick(System.currentTimeMillis(), 3000);
    String text = PrometheusFormat.render(state.view());
    String labels = "{node=\"pekko://beaver@127.0.0.1:2551\",role=\"rollout\","
        + "actor=\"/user/agent/worker-0\"";
    assertTrue(text.contains("beaver_actor_messages_total" + labels + "} 42\n"), text);
    assertTrue(text.contains("beaver_actor_mailbox_depth" + labels + "} 3\n"), text);
    assertTrue(text.contains("beaver_actor_processing_seconds" + labels
        + ",quantile=\"0.99\"} 0.00400000\n"), text);
    assertTrue(text.contains("beaver_rollout_tokens_total" + labels + "} 640\n"), text);
    assertTrue(text.contains("beaver_rollout_tokens_per_second" + labels + "} 64\n"), text);
    assertTrue(text.contains("beaver_generation_batch_size" + labels + "} 2\n"), text);
    assertTrue(text.contains("beaver_train_reward -0.250000\n"), text);
    assertTrue(text.contains("beaver_cluster_tokens_per_second 64\n"), text);
    assertTrue(text.contains("beaver_node_up{node=\"pekko://beaver@127.0.0.1:2551\","
        + "roles=\"rollout\",status=\"up\"} 1\n"), text);
    // Every sample line: a beaver_ name, optional labels, a value.
    Pattern line = Pattern.compile("beaver_[a-zA-Z0-9_]+(\\{[^}]*\\})? \\S+");
    for (String l : text.split("\n")) {
      assertTrue(l.startsWith("# HELP beaver_") || l.startsWith("# TYPE beaver_")
          || line.matcher(l).matches(), l);
    }
  }

  @Test
  void shouldEscapeLabelValuesAndSanitizeNames() {
    assertEquals("{a=\"x\\\"y\\\\z\"}", PrometheusFormat.labels("a", "x\"y\\z"));
    assertEquals("train_reward", PrometheusFormat.sanitize("train/reward"));
    assertEquals("_1x", PrometheusFormat.sanitize("1x"));
    assertEquals("NaN", PrometheusFormat.number(Double.NaN));
  }
}
