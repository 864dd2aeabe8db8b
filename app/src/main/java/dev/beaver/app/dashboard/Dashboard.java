package dev.beaver.app.dashboard;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.google.gson.JsonElement;
import dev.beaver.actors.monitor.MonitorAggregator;
import dev.beaver.actors.monitor.MonitorState;
import dev.beaver.actors.monitor.Monitoring;
import dev.beaver.actors.monitor.PrometheusFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The job's dashboard on the coordinator node: a {@link MonitorAggregator} that collects every
 * node's snapshot, and a Pekko HTTP server with
 * <ul>
 *   <li>{@code /}: the page (cluster map, sortable actor table, live charts, recent samples;
 *       hand-written SVG, no external resources), polling {@code /api/state} every second;
 *   <li>{@code /metrics}: Prometheus text format, names prefixed {@code beaver_};
 *   <li>{@code /api/state} (everything), {@code /api/job}, {@code /api/nodes},
 *       {@code /api/actors}, {@code /api/training}, {@code /api/series}, {@code /api/samples}.
 * </ul>
 * With a token, {@code /}, {@code /metrics} and {@code /api/...} need it as {@code ?token=} or
 * {@code Authorization: Bearer}; the page's script and style sheet (no data) do not.
 */
public final class Dashboard implements AutoCloseable {
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);
  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final ContentType JS =
      ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT, HttpCharsets.UTF_8);
  private static final ContentType CSS =
      ContentTypes.create(MediaTypes.TEXT_CSS, HttpCharsets.UTF_8);

  private final ActorSystem<?> system;
  private final MonitorState state;
  private final ActorRef<MonitorAggregator.Command> aggregator;
  private final ServerBinding binding;
  private final String host;
  private final String token;

  /**
   * Starts the aggregator and the server on {@code system} (the coordinator's node).
   *
   * @param port 0 picks a free port ({@link #port()} says which)
   * @param token null or empty: no token
   */
  public static Dashboard start(ActorSystem<?> system, String host, int port, String token) {
    return new Dashboard(system, host, port, token == null || token.isEmpty() ? null : token);
  }

  /** Starts the dashboard at {@code address} (see {@link #start(ActorSystem, String, int, String)}). */
  public static Dashboard start(ActorSystem<?> system, DashboardAddress address, String token) {
    return start(system, address.host(), address.port(), token);
  }

  private Dashboard(ActorSystem<?> system, String host, int port, String token) {
    this.system = system;
    this.host = host;
    this.token = token;
    this.state = new MonitorState();
    this.aggregator = system.systemActorOf(MonitorAggregator.create(state),
        "beaver-monitor-aggregator-" + INSTANCES.incrementAndGet(), Props.empty());
    Monitoring.startReporter(system);
    byte[] index = resource("index.html");
    byte[] script = resource("app.js");
    byte[] style = resource("style.css");
    Route route = respondWithHeader(CacheControl.create(CacheDirectives.NO_STORE), () -> concat(
        pathSingleSlash(() -> get(() -> guarded(
            () -> complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, index))))),
        path("app.js", () -> get(() -> complete(HttpEntities.create(JS, script)))),
        path("style.css", () -> get(() -> complete(HttpEntities.create(CSS, style)))),
        path("metrics", () -> get(() -> guarded(() -> complete(HttpEntities.create(
            ContentTypes.TEXT_PLAIN_UTF8, PrometheusFormat.render(state.view())))))),
        pathPrefix("api", () -> path(PathMatchers.segment(), name -> get(() -> guarded(
            () -> api(name)))))));
    try {
      this.binding = Http.get(system).newServerAt(host, port).bind(route).toCompletableFuture()
          .get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      aggregator.tell(MonitorAggregator.Stop.INSTANCE);
      throw new IllegalStateException("cannot serve the dashboard on " + host + ":" + port
          + ": " + e.getMessage(), e);
    }
  }

  private Route api(String name) {
    JsonElement body = DashboardJson.part(state.view(), name);
    if (body == null) {
      return complete(StatusCodes.NOT_FOUND, "unknown /api/" + name + " (try /api/state)");
    }
    return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }

  private Route guarded(Supplier<Route> inner) {
    if (token == null) {
      return inner.get();
    }
    return parameterOptional("token", query -> optionalHeaderValueByName("Authorization",
        header -> {
          Optional<String> given = query.or(() -> header.map(
              h -> h.startsWith("Bearer ") ? h.substring("Bearer ".length()) : h));
          return given.isPresent() && MessageDigest.isEqual(
              given.get().getBytes(StandardCharsets.UTF_8),
              token.getBytes(StandardCharsets.UTF_8))
              ? inner.get()
              : complete(StatusCodes.UNAUTHORIZED,
                  "this dashboard needs its token: ?token=... or Authorization: Bearer ...");
        }));
  }

  private static byte[] resource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard resource " + name + " missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The collected state (what the pages show). */
  public MonitorState state() {
    return state;
  }

  /** The bound port. */
  public int port() {
    InetSocketAddress a = binding.localAddress();
    return a.getPort();
  }

  /** The page's address, with the token when there is one. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port() + "/" + (token == null ? "" : "?token=" + token);
  }

  /** Stops serving and stops the aggregator. */
  @Override
  public void close() {
    try {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The node is shutting down anyway.
    }
    aggregator.tell(MonitorAggregator.Stop.INSTANCE);
  }
}
