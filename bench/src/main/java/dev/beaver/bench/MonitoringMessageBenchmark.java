package dev.beaver.bench;

import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.monitor.Monitoring;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The worst case of the instrumentation: an actor that does nothing but count tiny messages,
 * plain ({@code monitoring=off}: default mailbox, no interceptor) and instrumented ({@code on}:
 * {@code Monitoring.instrument} + the counting mailbox). The time per message of each, measured
 * in the same run, bounds what monitoring adds to any message; pipeline messages carry
 * milliseconds of model work each.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MonitoringMessageBenchmark {
  static final int MESSAGES = 100_000;

  @Param({"off", "on"})
  public String monitoring;

  private ActorSystem<SpawnProtocol.Command> system;
  private ActorRef<Object> counter;

  /** Counts messages; a CompletableFuture message asks to be completed once all arrived. */
  private static Behavior<Object> counter() {
    return Behaviors.setup(ctx -> {
      long[] count = {0};
      return Behaviors.receive(Object.class)
          .onMessage(CompletableFuture.class, f -> {
            @SuppressWarnings("unchecked")
            CompletableFuture<Long> done = (CompletableFuture<Long>) f;
            done.complete(count[0]);
            return Behaviors.same();
          })
          .onAnyMessage(m -> {
            count[0]++;
            return Behaviors.same();
          })
          .build();
    });
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    boolean on = "on".equals(monitoring);
    system = ActorSystem.create(SpawnProtocol.create(), "beaver-bench-messages",
        ConfigFactory.parseString("beaver.monitor.enabled = " + (on ? "on" : "off")
            + "\npekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
    Behavior<Object> b = on ? Monitoring.instrument("node", counter()) : counter();
    Props props = Monitoring.props(system, null);
    counter = AskPattern.<SpawnProtocol.Command, ActorRef<Object>>ask(system,
        r -> new SpawnProtocol.Spawn<>(b, "counter", props, r), Duration.ofSeconds(10),
        system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Sends {@link #MESSAGES} messages and waits until the actor has processed them. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long send() throws Exception {
    Integer message = 1;
    for (int i = 0; i < MESSAGES; i++) {
      counter.tell(message);
    }
    CompletableFuture<Long> done = new CompletableFuture<>();
    counter.tell(done);
    return done.get(60, TimeUnit.SECONDS);
  }
}
