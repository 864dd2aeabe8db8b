package dev.beaver.app.arena;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.beaver.actors.Role;
import dev.beaver.actors.node.BeaverNode;
import dev.beaver.actors.node.ClusterConf;
import dev.beaver.actors.node.NodeSettings;
import dev.beaver.actors.node.Transport;
import dev.beaver.learner.rl.Experience;
import dev.beaver.models.InvalidInputException;
import dev.beaver.models.io.HfHub;
import dev.beaver.models.tokenizer.Tokenizer;
import dev.beaver.rollout.cluster.JobSpec;
import dev.beaver.rollout.cluster.NodeServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * safe-rlhf's arena evaluation as a library call: both corners answer every prompt (sampling,
 * upstream's {@code max_length}), the reward and cost models score the answers, and the result
 * holds the per-prompt rows and upstream's analysis. Generation runs on rollout-worker actors
 * ({@link ArenaPipeline}), {@code rolloutWorkers} per corner on every rollout node: in a
 * one-node cluster in this JVM, or on a running cluster's nodes ({@link ArenaCluster}).
 *
 * <pre>{@code
 * ArenaResult r = Arena.run(ArenaConfig.of(red, blue, rm, cm, List.of("PKU-SafeRLHF/test"))
 *     .withOutputDir(Path.of("out/arena"))
 *     .withJudges(List.of(ResponseJudge.of("length", (q, a) -> a.length()))));
 * double winRate = r.analysis().cell(false, true).blueWinRate();
 * }</pre>
 */
public final class Arena {
  private static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(30);

  private Arena() {}

  /**
   * Runs the arena; writes {@code <outputDir>/<red>_vs_<blue>/table.csv} and {@code summary.json}
   * when the config names an output folder.
   *
   * @throws InvalidInputException for bad models, datasets or limits (the message names the fix)
   */
  public static ArenaResult run(ArenaConfig config) {
    return run(config, null);
  }

  /**
   * Runs the arena on {@code cluster}'s rollout and scorer nodes (this JVM joins as the
   * coordinator), or in this JVM when {@code cluster} is null.
   */
  public static ArenaResult run(ArenaConfig config, ArenaCluster cluster) {
    try (Tokenizer redTok = Tokenizer.loadWithSafeRlhfSpecials(
            HfHub.resolveModelDir(config.redModel()));
        Tokenizer blueTok = Tokenizer.loadWithSafeRlhfSpecials(
            HfHub.resolveModelDir(config.blueModel()))) {
      ArenaPrompts prompts = ArenaPrompts.load(config, redTok, blueTok);
      List<Experience> rounds = generate(config, prompts, cluster);
      ArenaResult result = collect(config, prompts, rounds, redTok, blueTok);
      if (config.outputDir() != null) {
        ArenaReport.write(config.outputDir().resolve(config.matchName()), config, result);
      }
      return result;
    }
  }

  /**
   * Runs the actors: in a one-node cluster with every role (tcp on loopback, as an RL job without
   * nodes), whose agent builds the parts from this JVM's {@link ArenaJob}; or as the coordinator
   * of {@code cluster}, whose nodes open the job from its spec.
   */
  private static List<Experience> generate(ArenaConfig arena, ArenaPrompts prompts,
      ArenaCluster cluster) {
    Config config = ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(ClusterConf.load(List.of())).resolve();
    NodeSettings node = cluster == null
        ? NodeSettings.fromRoot(config).withRoles(EnumSet.allOf(Role.class))
            .withTransport(Transport.TCP).withHostname("127.0.0.1").withPort(0)
            .withSeedNodes(List.of())
        : cluster.coordinator(NodeSettings.fromRoot(config));
    JobSpec spec = ArenaJob.spec(arena);
    ArenaPipeline.Layout layout = cluster == null
        ? new ArenaPipeline.Layout(1, arena.rolloutWorkers(), Duration.ofMinutes(5))
        : new ArenaPipeline.Layout(cluster.rolloutNodes(), arena.rolloutWorkers(),
            cluster.waitForNodes());
    CompletableFuture<List<Experience>> done = new CompletableFuture<>();
    try (BeaverNode n = BeaverNode.start(node, config);
        ArenaJob local = cluster == null ? ArenaJob.open(spec) : null) {
      if (local != null) {
        NodeServices.start(n, s -> local);
      }
      n.spawnAndWait(ArenaPipeline.create(spec, prompts.redPlan(), prompts.bluePlan(), layout,
          done), "arena", SPAWN_TIMEOUT);
      return done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the arena ran", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("the arena failed: " + cause, cause);
    }
  }

  /**
   * The analysis as {@code beaver arena} prints it after its table: average reward and cost (and
   * judge means) per corner, blue better/worse × safe/unsafe, the 2×2 safe/unsafe table with
   * blue's win rate per cell.
   */
  public static String analysisText(ArenaResult result) {
    java.io.StringWriter text = new java.io.StringWriter();
    ArenaReport.printAnalysis(new java.io.PrintWriter(text), result);
    return text.toString();
  }

  /**
   * The node-side parts of an arena job spec (what {@code beaver node} opens for a job whose
   * command is {@code arena}), or null when {@code spec} is another job's.
   */
  public static dev.beaver.rollout.cluster.JobParts openJob(JobSpec spec) {
    return ArenaJob.COMMAND.equals(spec.command()) ? ArenaJob.open(spec) : null;
  }

  /** Pairs each prompt's red and blue answers with their scores and the judges' scores. */
  private static ArenaResult collect(ArenaConfig config, ArenaPrompts prompts,
      List<Experience> rounds, Tokenizer redTok, Tokenizer blueTok) {
    List<ResponseJudge> judges = config.judges();
    List<ArenaResult.Row> rows = new ArrayList<>();
    int n = prompts.size();
    double[] rr = new double[n];
    double[] rc = new double[n];
    double[] br = new double[n];
    double[] bc = new double[n];
    double[][] judged = new double[judges.size()][2];
    for (int k = 0; k < prompts.batches(); k++) {
      Experience red = rounds.get(2 * k);
      Experience blue = rounds.get(2 * k + 1);
      for (int r = 0; r < red.batchSize(); r++) {
        int i = k * config.batchSize() + r;
        String question = prompts.question(i);
        String redText = response(red, r, redTok);
        String blueText = response(blue, r, blueTok);
        double[] rj = new double[judges.size()];
        double[] bj = new double[judges.size()];
        for (int j = 0; j < judges.size(); j++) {
          rj[j] = judges.get(j).judge(question, redText);
          bj[j] = judges.get(j).judge(question, blueText);
          judged[j][0] += rj[j] / n;
          judged[j][1] += bj[j] / n;
        }
        rr[i] = red.reward()[r];
        rc[i] = red.cost()[r];
        br[i] = blue.reward()[r];
        bc[i] = blue.cost()[r];
        rows.add(new ArenaResult.Row(prompts.promptText(i), question, redText, rr[i], rc[i],
            blueText, br[i], bc[i], rj, bj));
      }
    }
    Map<String, double[]> means = new LinkedHashMap<>();
    for (int j = 0; j < judges.size(); j++) {
      means.put(judges.get(j).name(), judged[j]);
    }
    return new ArenaResult(config.redName(), config.blueName(), rows,
        ArenaAnalysis.of(rr, rc, br, bc), means);
  }

  /** Row {@code r}'s generated tokens (real tokens after the prompt), decoded without specials. */
  static String response(Experience e, int r, Tokenizer tok) {
    long[] ids = e.inputIds()[r];
    boolean[] mask = e.attentionMask()[r];
    int[] out = new int[ids.length];
    int k = 0;
    for (int t = e.start() + 1; t < ids.length; t++) {
      if (mask[t]) {
        out[k++] = (int) ids[t];
      }
    }
    return tok.decode(java.util.Arrays.copyOf(out, k), true);
  }
}
