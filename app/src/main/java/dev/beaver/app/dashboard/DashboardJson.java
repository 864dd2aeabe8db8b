package dev.beaver.app.dashboard;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.beaver.actors.monitor.MonitorState;
import dev.beaver.actors.monitor.NodeSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's JSON ({@code /api/...}): the same figures as {@code /metrics}, shaped for the
 * page. NaN and infinite numbers become {@code null} (JSON has neither).
 */
final class DashboardJson {
  /** Training steps in {@code /api/state} (the charts' window); {@code /api/training} has all. */
  static final int STATE_STEPS = 600;

  private DashboardJson() {}

  /** Everything: {@code job}, {@code nodes}, {@code actors}, {@code training}, {@code series}, {@code samples}. */
  static JsonObject state(MonitorState.View v) {
    JsonObject o = new JsonObject();
    o.addProperty("time", v.timeMs());
    o.add("job", job(v));
    o.add("nodes", nodes(v));
    o.add("actors", actors(v));
    o.add("training", training(v.training(), STATE_STEPS));
    o.add("series", series(v));
    o.add("samples", samples(v));
    return o;
  }

  /** One part of {@link #state} by name, or null for an unknown name. */
  static JsonElement part(MonitorState.View v, String name) {
    return switch (name) {
      case "state" -> state(v);
      case "job" -> job(v);
      case "nodes" -> nodes(v);
      case "actors" -> actors(v);
      case "training" -> training(v.training(), Integer.MAX_VALUE);
      case "series" -> series(v);
      case "samples" -> samples(v);
      default -> null;
    };
  }

  static JsonObject job(MonitorState.View v) {
    JsonObject o = new JsonObject();
    double threshold = Double.NaN;
    long actors = 0;
    long alive = 0;
    for (MonitorState.NodeView n : v.nodes()) {
      if (n.last() == null) {
        continue;
      }
      for (NodeSnapshot.ActorStats a : n.last().actors()) {
        actors++;
        alive += a.alive() ? 1 : 0;
        Double t = a.gauges().get("cost_threshold");
        if (t != null) {
          threshold = t;
        }
      }
    }
    o.add("threshold", num(threshold));
    o.addProperty("nodes", v.nodes().size());
    o.addProperty("actors", actors);
    o.addProperty("actorsAlive", alive);
    o.add("step", v.training().isEmpty() ? JsonNull.INSTANCE
        : new JsonPrimitive(v.training().get(v.training().size() - 1).step()));
    o.add("last", map(v.lastTraining()));
    return o;
  }

  static JsonArray nodes(MonitorState.View v) {
    JsonArray a = new JsonArray();
    for (MonitorState.NodeView n : v.nodes()) {
      JsonObject o = new JsonObject();
      o.addProperty("address", n.address());
      o.add("roles", strings(n.roles()));
      o.addProperty("status", n.status());
      o.addProperty("reachable", n.reachable());
      NodeSnapshot s = n.last();
      o.add("reportAgeS", s == null ? JsonNull.INSTANCE
          : num(Math.max(0, (v.timeMs() - n.lastSeenMs()) / 1e3)));
      if (s != null) {
        o.addProperty("heapUsedBytes", s.heapUsedBytes());
        o.addProperty("heapMaxBytes", s.heapMaxBytes());
        o.add("loadAverage", num(s.systemLoad()));
        o.addProperty("processors", s.processors());
        o.addProperty("actors", s.actors().size());
      }
      a.add(o);
    }
    return a;
  }

  static JsonArray actors(MonitorState.View v) {
    JsonArray arr = new JsonArray();
    for (MonitorState.NodeView n : v.nodes()) {
      if (n.last() == null) {
        continue;
      }
      double window = Math.max(1e-9, n.last().windowSeconds());
      for (NodeSnapshot.ActorStats a : n.last().actors()) {
        JsonObject o = new JsonObject();
        o.addProperty("node", n.address());
        o.addProperty("path", a.path());
        o.addProperty("name", a.name());
        o.addProperty("role", a.role());
        o.addProperty("alive", a.alive());
        o.addProperty("messages", a.messages());
        o.add("perSecond", num(a.windowMessages() / window));
        o.addProperty("mailbox", a.mailboxDepth());
        o.add("p50Ms", num(a.p50Ms()));
        o.add("p95Ms", num(a.p95Ms()));
        o.add("p99Ms", num(a.p99Ms()));
        o.add("busyS", num(a.busySeconds()));
        o.addProperty("failures", a.failures());
        o.addProperty("restarts", a.restarts());
        o.add("counters", map(a.counters()));
        o.add("rates", map(a.rates()));
        o.add("gauges", map(a.gauges()));
        arr.add(o);
      }
    }
    return arr;
  }

  static JsonArray training(List<NodeSnapshot.TrainingStep> steps, int last) {
    JsonArray a = new JsonArray();
    for (int i = Math.max(0, steps.size() - last); i < steps.size(); i++) {
      NodeSnapshot.TrainingStep t = steps.get(i);
      JsonObject o = new JsonObject();
      o.addProperty("step", t.step());
      o.addProperty("time", t.timeMs());
      o.add("metrics", map(t.metrics()));
      a.add(o);
    }
    return a;
  }

  static JsonArray series(MonitorState.View v) {
    JsonArray a = new JsonArray();
    for (MonitorState.SeriesPoint p : v.series()) {
      JsonObject o = new JsonObject();
      o.addProperty("time", p.timeMs());
      o.add("tokensPerSecond", num(p.tokensPerSecond()));
      o.add("samplesPerSecond", num(p.samplesPerSecond()));
      o.add("messagesPerSecond", num(p.messagesPerSecond()));
      a.add(o);
    }
    return a;
  }

  /** Newest first. */
  static JsonArray samples(MonitorState.View v) {
    JsonArray a = new JsonArray();
    for (int i = v.samples().size() - 1; i >= 0; i--) {
      NodeSnapshot.Sample s = v.samples().get(i);
      JsonObject o = new JsonObject();
      o.addProperty("time", s.timeMs());
      o.addProperty("version", s.version());
      o.addProperty("prompt", s.prompt());
      o.addProperty("response", s.response());
      o.add("reward", num(s.reward()));
      o.add("cost", num(s.cost()));
      a.add(o);
    }
    return a;
  }

  private static JsonObject map(Map<String, Double> m) {
    JsonObject o = new JsonObject();
    new TreeMap<>(m).forEach((k, val) -> o.add(k, num(val)));
    return o;
  }

  private static JsonArray strings(List<String> l) {
    JsonArray a = new JsonArray();
    l.forEach(a::add);
    return a;
  }

  static JsonElement num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
  }
}
