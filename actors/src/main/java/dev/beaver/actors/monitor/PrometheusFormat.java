package dev.beaver.actors.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link MonitorState.View} in the Prometheus text exposition format (version 0.0.4).
 * Every name starts with {@code beaver_}; actor series carry the labels {@code node},
 * {@code role} and {@code actor}. Training metrics keep safe-rlhf's names with {@code /} turned
 * into {@code _} ({@code train/reward} → {@code beaver_train_reward}).
 */
public final class PrometheusFormat {
  /** The content type of the format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusFormat() {}

  /** One metric family: its type, help and samples (label text → value). */
  private static final class Family {
    final String type;
    final String help;
    final List<String> lines = new ArrayList<>();

    Family(String type, String help) {
      this.type = type;
      this.help = help;
    }
  }

  /** The exposition of {@code view}. */
  public static String render(MonitorState.View view) {
    Map<String, Family> families = new LinkedHashMap<>();
    for (MonitorState.NodeView n : view.nodes()) {
      String node = labels("node", n.address());
      add(families, "beaver_node_up", "gauge",
          "1 when the node is an up and reachable cluster member (or reports without one)",
          labels("node", n.address(), "roles", String.join(",", n.roles()), "status", n.status()),
          ("up".equals(n.status()) || "reporting".equals(n.status())) && n.reachable() ? 1 : 0);
      NodeSnapshot s = n.last();
      if (s == null) {
        continue;
      }
      add(families, "beaver_node_report_age_seconds", "gauge",
          "seconds since the node's last snapshot", node,
          Math.max(0, (view.timeMs() - n.lastSeenMs()) / 1e3));
      add(families, "beaver_node_heap_used_bytes", "gauge", "JVM heap in use", node,
          s.heapUsedBytes());
      add(families, "beaver_node_heap_max_bytes", "gauge", "JVM heap limit", node,
          s.heapMaxBytes());
      add(families, "beaver_node_load_average", "gauge", "one-minute load average of the host",
          node, s.systemLoad());
      for (NodeSnapshot.ActorStats a : s.actors()) {
        String l = labels("node", n.address(), "role", a.role(), "actor", a.path());
        add(families, "beaver_actor_up", "gauge", "1 while the actor runs", l, a.alive() ? 1 : 0);
        add(families, "beaver_actor_messages_total", "counter", "messages processed", l,
            a.messages());
        add(families, "beaver_actor_failures_total", "counter",
            "exceptions thrown by the actor's behaviour", l, a.failures());
        add(families, "beaver_actor_restarts_total", "counter", "restarts by its supervisor", l,
            a.restarts());
        if (a.mailboxDepth() >= 0) {
          add(families, "beaver_actor_mailbox_depth", "gauge", "messages waiting in the mailbox",
              l, a.mailboxDepth());
        }
        add(families, "beaver_actor_busy_seconds_total", "counter",
            "time spent processing messages", l, a.busySeconds());
        add(families, "beaver_actor_throughput_messages_per_second", "gauge",
            "messages processed per second over the last report window", l,
            a.windowMessages() / Math.max(1e-9, s.windowSeconds()));
        double[] q = {a.p50Ms(), a.p95Ms(), a.p99Ms()};
        String[] names = {"0.5", "0.95", "0.99"};
        for (int i = 0; i < q.length; i++) {
          if (!Double.isNaN(q[i])) {
            add(families, "beaver_actor_processing_seconds", "gauge",
                "processing time quantiles over the last report window",
                l.substring(0, l.length() - 1) + ",quantile=\"" + names[i] + "\"}", q[i] / 1e3);
          }
        }
        for (var c : new TreeMap<>(a.counters()).entrySet()) {
          String name = "beaver_" + sanitize(c.getKey());
          add(families, name.endsWith("_total") ? name : name + "_total", "counter",
              "role counter " + c.getKey(), l, c.getValue());
        }
        for (var r : new TreeMap<>(a.rates()).entrySet()) {
          String base = sanitize(r.getKey()).replaceAll("_total$", "");
          add(families, "beaver_" + base + "_per_second", "gauge",
              "rate of " + r.getKey() + " over the last report window", l, r.getValue());
        }
        for (var g : new TreeMap<>(a.gauges()).entrySet()) {
          add(families, "beaver_" + sanitize(g.getKey()), "gauge", "role gauge " + g.getKey(), l,
              g.getValue());
        }
      }
    }
    for (var e : new TreeMap<>(view.lastTraining()).entrySet()) {
      add(families, "beaver_" + sanitize(e.getKey()), "gauge",
          "training metric " + e.getKey() + " at the newest step", "", e.getValue());
    }
    if (!view.training().isEmpty()) {
      add(families, "beaver_train_step", "gauge", "the newest optimizer step", "",
          view.training().get(view.training().size() - 1).step());
    }
    if (!view.series().isEmpty()) {
      MonitorState.SeriesPoint p = view.series().get(view.series().size() - 1);
      add(families, "beaver_cluster_tokens_per_second", "gauge",
          "generated tokens per second, all rollout workers", "", p.tokensPerSecond());
      add(families, "beaver_cluster_samples_per_second", "gauge",
          "scored samples per second, all scorers", "", p.samplesPerSecond());
    }
    StringBuilder sb = new StringBuilder();
    for (var f : families.entrySet()) {
      sb.append("# HELP ").append(f.getKey()).append(' ').append(f.getValue().help).append('\n');
      sb.append("# TYPE ").append(f.getKey()).append(' ').append(f.getValue().type).append('\n');
      for (String line : f.getValue().lines) {
        sb.append(f.getKey()).append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static void add(Map<String, Family> families, String name, String type, String help,
      String labels, double value) {
    families.computeIfAbsent(name, k -> new Family(type, help)).lines
        .add(labels + ' ' + number(value));
  }

  /** A metric name from any text: [a-zA-Z0-9_] only, not starting with a digit. */
  static String sanitize(String name) {
    String s = name.replaceAll("[^a-zA-Z0-9_]", "_");
    return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    } else if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.6g", v);
  }

  /** {@code {k1="v1",k2="v2"}} with values escaped. */
  static String labels(String... kv) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < kv.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(kv[i]).append("=\"").append(escape(kv[i + 1])).append('"');
    }
    return sb.append('}').toString();
  }

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
