package dev.beaver.rollout;

import static dev.beaver.rollout.SerializeMessages.QUIET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.models.CausalLm;
import dev.beaver.models.SharedData;
import dev.beaver.models.generate.SamplingParams;
import dev.beaver.models.nn.HostTensor;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rollout worker on stories260K with a custom {@link RolloutStrategy}, probes standing in for
 * the coordinator and the scorer; {@code RequestWork}, {@code Generate} and {@code Score} go
 * through Kryo, {@code WeightsPublished} (host tensors) stays in the JVM.
 */
// Skipped as a class without the shared data: an assumption failing in @BeforeEach would leave the
// test kit extension nothing to shut down (it then fails in afterAll).
@EnabledIf(value = "sharedDataPresent",
    disabledReason = "shared data folder not found: set BEAVER_SHARED or place 'shared' beside the repository")
@ExtendWith(TestKitJUnit5Extension.class)
class RolloutWorkerProtocolTest {
  static boolean sharedDataPresent() {
    try {
      SharedData.stories260k();
      return true;
    } catch (org.opentest4j.TestAbortedException e) {
      return false;
    }
  }

  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();

  private NDManager manager;
  private CausalLm replica;
  private final List<ActorRef<RolloutWorker.Command>> spawned = new ArrayList<>();
  private TestProbe<Coordinator.Command> coordinator;
  private TestProbe<Scorer.Command> scorer;

  /** What the strategy saw on each call. */
  record Call(CausalLm policy, NDManager manager, long version, WorkItem item, boolean open) {}

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    replica = CausalLm.load(SharedData.stories260k().toString(), manager);
    coordinator = testKit.createTestProbe();
    scorer = testKit.createTestProbe();
  }

  @AfterEach
  void tearDown() {
    // The worker closes its replica when it stops; stop it before the manager goes.
    spawned.forEach(testKit::stop);
    manager.close();
  }

  private ActorRef<RolloutWorker.Command> spawn(Behavior<RolloutWorker.Command> worker) {
    ActorRef<RolloutWorker.Command> ref = testKit.spawn(worker);
    spawned.add(ref);
    return ref;
  }

  /** Plain sampling that records its context. */
  private static RolloutStrategy recording(List<Call> calls) {
    RolloutStrategy sampling = RolloutStrategy.sampling();
    return (c, item) -> {
      calls.add(new Call(c.policy(), c.manager(), c.version(), item, c.manager().isOpen()));
      return sampling.generate(c, item);
    };
  }

  private WorkItem item(int round, int micro) {
    int[][] prompts = {
      replica.tokenizer().encode(PromptTemplate.prompt("Tell me about Tom.")),
      replica.tokenizer().encode(PromptTemplate.prompt("What did Lily see?"))
    };
    return new WorkItem(round, micro, prompts, new SamplingParams(1.0, 1.0, 0, 1.0, 6, 0, 17));
  }

  /** The replica's own weights with every value of {@code name} multiplied by {@code factor}. */
  private Map<String, HostTensor> weights(String name, float factor) {
    Map<String, HostTensor> w = new LinkedHashMap<>(replica.decoder().weights().toHost());
    float[] data = w.get(name).data().clone();
    for (int i = 0; i < data.length; i++) {
      data[i] *= factor;
    }
    w.put(name, new HostTensor(data, w.get(name).shape()));
    return w;
  }

  private String firstParameter() {
    return replica.decoder().weights().parameters().keySet().iterator().next();
  }

  private float[] values(String name) {
    return replica.decoder().weights().parameters().get(name).toFloatArray();
  }

  private void expectRequest(long version, ActorRef<RolloutWorker.Command> worker) {
    Coordinator.RequestWork r = coordinator.expectMessageClass(Coordinator.RequestWork.class);
    assertEquals(version, r.workerVersion());
    // The ref came back through Kryo and still names the worker.
    assertEquals(worker, r.worker());
  }

  @Test
  void shouldPullWorkOnlyWithPublishedWeightsAndTagRolloutsWithTheirVersion() {
    List<Call> calls = new CopyOnWriteArrayList<>();
    ActorRef<RolloutWorker.Command> worker = spawn(RolloutWorker.create(replica,
        recording(calls), coordinator.ref(), scorer.ref()));
    // No weights, no work.
    coordinator.expectNoMessage(QUIET);

    worker.tell(new RolloutWorker.WeightsPublished(0, replica.decoder().weights().toHost()));
    expectRequest(0, worker);
    WorkItem item = item(0, 1);
    worker.tell(new RolloutWorker.Generate(item));
    Scorer.Score score = scorer.expectMessageClass(Scorer.Score.class);
    assertEquals(0, score.rollout().policyVersion());
    assertEquals(2, score.rollout().batchSize());
    assertEquals(1, score.item().micro());
    assertNotSame(item, score.item());
    assertArrayEquals(item.prompts()[1], score.item().prompts()[1]);
    // It asks for more work at the same version once the rollout is handed on.
    expectRequest(0, worker);
    Call first = calls.get(0);
    assertSame(replica, first.policy());
    assertEquals(0, first.version());
    assertEquals(true, first.open());
    assertFalse(first.manager().isOpen());

    // Version 1 changes the replica's weights, and its rollouts say so.
    String name = firstParameter();
    Map<String, HostTensor> v1 = weights(name, 0.5f);
    worker.tell(new RolloutWorker.WeightsPublished(1, v1));
    expectRequest(1, worker);
    assertArrayEquals(v1.get(name).data(), values(name), 0f);
    worker.tell(new RolloutWorker.Generate(item(1, 0)));
    assertEquals(1, scorer.expectMessageClass(Scorer.Score.class).rollout().policyVersion());
    expectRequest(1, worker);
    assertEquals(1, calls.get(1).version());

    // An older or repeated version is ignored: no new request, weights unchanged.
    worker.tell(new RolloutWorker.WeightsPublished(1, weights(name, 3f)));
    worker.tell(new RolloutWorker.WeightsPublished(0, weights(name, 3f)));
    coordinator.expectNoMessage(QUIET);
    assertArrayEquals(v1.get(name).data(), values(name), 0f);
  }

  @Test
  void shouldFailOnWeightsThatDoNotNameEveryParameter() {
    ActorRef<RolloutWorker.Command> worker = spawn(RolloutWorker.create(replica,
        RolloutStrategy.sampling(), coordinator.ref(), scorer.ref()));
    TestProbe<Object> watcher = testKit.createTestProbe();
    worker.tell(new RolloutWorker.WeightsPublished(0, replica.decoder().weights().toHost()));
    expectRequest(0, worker);
    String name = firstParameter();
    Map<String, HostTensor> partial = weights(name, 0.5f);
    partial.remove(partial.keySet().stream().skip(1).findFirst().orElseThrow());
    LoggingTestKit.error(IllegalStateException.class)
        .withMessageContains("do not name the replica's parameters")
        .expect(testKit.system(), () -> {
          worker.tell(new RolloutWorker.WeightsPublished(1, partial));
          return null;
        });
    watcher.expectTerminated(worker);
    // The worker never claimed version 1 (its replica is closed now that it stopped; that the
    // weights were left untouched is checked under a resuming supervisor below).
    coordinator.expectNoMessage(QUIET);
  }

  @Test
  void shouldKeepItsVersionWhenRefusedWeightsAreResumedPast() {
    // Under a resuming supervisor the refused update leaves the worker at its old version.
    ActorRef<RolloutWorker.Command> worker = spawn(Behaviors.supervise(RolloutWorker.create(
        replica, RolloutStrategy.sampling(), coordinator.ref(), scorer.ref()))
        .onFailure(IllegalStateException.class, SupervisorStrategy.resume()));
    worker.tell(new RolloutWorker.WeightsPublished(0, replica.decoder().weights().toHost()));
    expectRequest(0, worker);
    String name = firstParameter();
    float[] before = values(name);
    Map<String, HostTensor> extra = weights(name, 0.5f);
    extra.put("not.a.parameter", new HostTensor(new float[] {1f}, new long[] {1}));
    worker.tell(new RolloutWorker.WeightsPublished(1, extra));
    // A wrong shape is refused the same way.
    Map<String, HostTensor> reshaped = weights(name, 0.5f);
    HostTensor t = reshaped.get(name);
    long[] shape = new long[t.shape().length + 1];
    shape[0] = 1;
    System.arraycopy(t.shape(), 0, shape, 1, t.shape().length);
    reshaped.put(name, new HostTensor(t.data(), shape));
    worker.tell(new RolloutWorker.WeightsPublished(2, reshaped));
    coordinator.expectNoMessage(QUIET);
    assertArrayEquals(before, values(name), 0f);
    worker.tell(new RolloutWorker.Generate(item(0, 0)));
    assertEquals(0, scorer.expectMessageClass(Scorer.Score.class).rollout().policyVersion());
    expectRequest(0, worker);
  }

  @Test
  void shouldFailWhenTheStrategyReturnsTheWrongNumberOfRows() {
    RolloutStrategy dropsARow = (c, item) -> {
      Rollout r = RolloutStrategy.sampling().generate(c, item);
      return new Rollout(Arrays.copyOf(r.inputIds(), 1), Arrays.copyOf(r.attentionMask(), 1),
          r.start(), Arrays.copyOf(r.logProbs(), 1), r.policyVersion());
    };
    assertWorkerFailsOn(dropsARow, "returned 1 rows of version 0 for 2 prompts");
  }

  @Test
  void shouldFailWhenTheStrategyTagsAnotherVersion() {
    RolloutStrategy wrongVersion = (c, item) -> {
      Rollout r = RolloutStrategy.sampling().generate(c, item);
      return new Rollout(r.inputIds(), r.attentionMask(), r.start(), r.logProbs(), 7);
    };
    assertWorkerFailsOn(wrongVersion, "returned 2 rows of version 7 for 2 prompts at version 0");
  }

  private void assertWorkerFailsOn(RolloutStrategy strategy, String message) {
    ActorRef<RolloutWorker.Command> worker = spawn(RolloutWorker.create(replica, strategy,
        coordinator.ref(), scorer.ref()));
    TestProbe<Object> watcher = testKit.createTestProbe();
    worker.tell(new RolloutWorker.WeightsPublished(0, replica.decoder().weights().toHost()));
    expectRequest(0, worker);
    LoggingTestKit.error(IllegalStateException.class)
        .withMessageContains(message)
        .expect(testKit.system(), () -> {
          worker.tell(new RolloutWorker.Generate(item(0, 0)));
          return null;
        });
    watcher.expectTerminated(worker);
    scorer.expectNoMessage(QUIET);
    coordinator.expectNoMessage(QUIET);
  }
}
