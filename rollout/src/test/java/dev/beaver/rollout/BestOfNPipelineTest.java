package dev.beaver.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.beaver.learner.math.KlSplit;
import dev.beaver.learner.rl.Experience;
import dev.beaver.learner.rl.RlSettings;
import dev.beaver.learner.rl.RlTrainer;
import dev.beaver.learner.rl.Rollout;
import dev.beaver.learner.train.SupervisedLoop;
import dev.beaver.models.CausalLm;
import dev.beaver.models.ScoreModel;
import dev.beaver.models.SharedData;
import dev.beaver.models.config.ScoreConfig.ScoreType;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole PPO run through the pipeline on stories260K with the two plug-ins: the best-of-n
 * {@link BestOfNStrategy} on two workers and an {@link ExperienceScorer} that adds a rule-based
 * penalty to the reward model's score. Runs with serialize-messages on, so rollouts and scored
 * experience cross the actor boundaries as Kryo copies, as between nodes.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class BestOfNPipelineTest {
  @JUnit5TestKit
  public ActorTestKit testKit =
      new JUnit5TestKitBuilder().withCustomConfig(SerializeMessages.config()).build();
  @TempDir Path tmp;

  static final String[] PROMPTS = {"Tell me a story about a cat.", "Tell me about Tom.",
    "What did Lily see?", "Tell me a story about a big dog.", "Where did the bird go?",
    "Tell me about a red ball.", "What did Ben find?", "Tell me a story about the sun."};

  static final int N = 3;
  static final int WORKERS = 2;
  /** The rule-based penalty: per generated token, and per occurrence of the banned token. */
  static final double LENGTH_COST = 0.02;
  static final double BANNED_COST = 1.0;

  /**
   * PPO, 4 prompts per batch, train batch 2 (2 micro-batches per round), 2 prompt batches: 4
   * steps of one micro-batch each; responses of at most 12 tokens.
   */
  static RlSettings settings(Path out, int maxLength) {
    return new RlSettings(RlSettings.Algorithm.PPO, 0.01, KlSplit.FULL, 0.2, 50.0, 5.0, 1.0,
        0.95, 0.0, 1, 1, 4, 2, 1, 1e-3, 0.0, "constant", 0.0, 5e-4, 0.0, "constant", 0.0,
        1.0, 1.0, 0, 1, 1.0, maxLength, 0.0, 1.0, 0.0, OptionalDouble.empty(), 0,
        128, 1.0, 1_000_000, false, "epoch", 1_000_000, out, 11);
  }

  static int count(int[] response, int token) {
    int c = 0;
    for (int t : response) {
      c += t == token ? 1 : 0;
    }
    return c;
  }

  /** One selection of the strategy. */
  record Selection(WorkItem item, double[][] scores, int[] kept, Rollout rollout) {}

  /** One call of the scorer: what it got, the reward model's score and what it returned. */
  record Scored(Rollout rollout, float[] modelReward, Experience experience) {}

  static final class Recorder implements SupervisedLoop.Listener {
    final List<Map<String, Double>> rows = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void accept(Map<String, Double> m, Long step) {
      rows.add(Map.copyOf(m));
    }
  }

  @Test
  void shouldTrainOnTheBestOfNCandidatesWithThePenalizedReward() {
    String lm = SharedData.stories260k().toString();
    try (NDManager m = NDManager.newBaseManager()) {
      CausalLm actor = CausalLm.load(lm, m);
      CausalLm ref = CausalLm.load(lm, m);
      ScoreModel rm = ScoreModel.load(lm, m, ScoreType.REWARD, 3);
      ScoreModel rc = ScoreModel.load(lm, m, ScoreType.CRITIC, 3);
      List<CausalLm> replicas = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        replicas.add(CausalLm.load(lm, m));
      }
      List<List<int[]>> batches = new ArrayList<>();
      int longest = 0;
      for (int i = 0; i < PROMPTS.length; i += 4) {
        List<int[]> batch = new ArrayList<>();
        for (int j = i; j < i + 4; j++) {
          int[] p = actor.tokenizer().encode(PromptTemplate.prompt(PROMPTS[j]));
          longest = Math.max(longest, p.length);
          batch.add(p);
        }
        batches.add(batch);
      }
      int[] dot = actor.tokenizer().encode(".", false);
      int banned = dot[dot.length - 1];

      // Prefer responses without the banned token, then the longest.
      BestOfNStrategy.Preference preference =
          response -> response.length - 1000.0 * count(response, banned);
      Map<String, Selection> selections = new ConcurrentHashMap<>();
      Set<Integer> strategiesMade = ConcurrentHashMap.newKeySet();
      Map<Integer, Set<CausalLm>> policiesSeen = new ConcurrentHashMap<>();
      RolloutStrategy.Factory strategies = worker -> {
        strategiesMade.add(worker);
        BestOfNStrategy best = new BestOfNStrategy(N, preference, (item, scores, kept, r) ->
            assertEquals(null, selections.put(item.round() + "/" + item.micro(),
                new Selection(item, scores, kept, r)), "generated twice"));
        return (context, item) -> {
          policiesSeen.computeIfAbsent(worker,
              w -> Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>())))
              .add(context.policy());
          return best.generate(context, item);
        };
      };

      ExperienceScorer models = ExperienceScorer.of(
          new Scorer.Models(actor.tokenizer(), ref, rm, null, Double.NaN));
      List<Scored> scored = new CopyOnWriteArrayList<>();
      ExperienceScorer scorer = (manager, rollout) -> {
        Experience e = models.score(manager, rollout);
        float[] reward = e.reward().clone();
        for (int i = 0; i < reward.length; i++) {
          int[] response = BestOfNStrategy.response(rollout, i);
          reward[i] -= (float) (LENGTH_COST * response.length
              + BANNED_COST * count(response, banned));
        }
        Experience out = new Experience(e.inputIds(), e.attentionMask(), e.start(),
            e.logProbs(), e.refLogProbs(), reward, e.cost(), e.rewardValues(), e.costValues(),
            e.policyVersion());
        scored.add(new Scored(rollout, e.reward(), out));
        return out;
      };

      Recorder rec = new Recorder();
      RlSettings s = settings(tmp, longest + 12);
      RlTrainer trainer = new RlTrainer(s, actor, ref, rm, null, rc, null, m, rec);
      RunPlan plan = RunPlan.of(s, batches);
      assertEquals(2, plan.rounds().size());
      assertEquals(2, plan.maxItemsPerRound());
      int maxStaleness = 1;
      TestProbe<LearnerActor.Finished> done = testKit.createTestProbe();
      ActorRef<Void> pipeline = testKit.spawn(Pipeline.create(
          new PipelineSettings(maxStaleness, (maxStaleness + 1) * plan.maxItemsPerRound(),
              WORKERS),
          plan, new LearnerActor.Models(trainer, actor, rc, null), scorer, replicas,
          strategies, done.ref()), "best-of-n");
      done.expectTerminated(pipeline, Duration.ofMinutes(3));
      LearnerActor.Finished finished =
          done.expectMessageClass(LearnerActor.Finished.class, Duration.ofSeconds(5));
      assertEquals(plan.rounds().size(), finished.version());

      // One strategy per worker, each on its own replica.
      assertEquals(Set.of(0, 1), strategiesMade);
      for (Set<CausalLm> seen : policiesSeen.values()) {
        assertEquals(1, seen.size());
      }
      if (policiesSeen.size() == 2) {
        assertNotSame(policiesSeen.get(0).iterator().next(),
            policiesSeen.get(1).iterator().next());
      }

      // The strategy ran once for every micro-batch and kept the preferred candidate.
      List<String> keys = new ArrayList<>();
      for (RunPlan.Round round : plan.rounds()) {
        for (WorkItem item : round.items()) {
          keys.add(item.round() + "/" + item.micro());
        }
      }
      assertEquals(Set.copyOf(keys), selections.keySet());
      for (Selection sel : selections.values()) {
        assertEquals(sel.item().prompts().length, sel.rollout().batchSize());
        for (int i = 0; i < sel.scores().length; i++) {
          double best = Arrays.stream(sel.scores()[i]).max().orElseThrow();
          assertEquals(best, sel.scores()[i][sel.kept()[i]]);
          assertEquals(best, preference.score(BestOfNStrategy.response(sel.rollout(), i)));
        }
      }

      // Every trained rollout is one the strategy returned (a Kryo copy), so it obeys its rule,
      // and the learner logged its penalized reward at its step.
      assertEquals(keys.size(), scored.size());
      assertEquals(keys.size(), rec.rows.size());
      for (Scored sc : scored) {
        Selection sel = null;
        for (Selection candidate : selections.values()) {
          if (Arrays.deepEquals(candidate.rollout().inputIds(), sc.rollout().inputIds())) {
            sel = candidate;
          }
        }
        assertNotNull(sel, "the scorer got a rollout the strategy did not return");
        assertNotSame(sel.rollout(), sc.rollout());
        for (int i = 0; i < sc.rollout().batchSize(); i++) {
          assertArrayEquals(sel.rollout().logProbs()[i], sc.rollout().logProbs()[i], 0f);
          double best = Arrays.stream(sel.scores()[i]).max().orElseThrow();
          assertEquals(best, preference.score(BestOfNStrategy.response(sc.rollout(), i)));
        }
        int step = keys.indexOf(sel.item().round() + "/" + sel.item().micro());
        double penalized = mean(sc.experience().reward());
        double model = mean(sc.modelReward());
        assertEquals(penalized, rec.rows.get(step).get("train/reward"), 1e-6, "step " + step);
        // Every response has at least one token, so the penalty is at least LENGTH_COST.
        assertTrue(model - penalized >= LENGTH_COST - 1e-6, model + " vs " + penalized);
      }
    }
  }

  static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
