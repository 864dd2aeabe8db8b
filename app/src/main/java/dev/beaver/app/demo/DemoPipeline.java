package dev.beaver.app.demo;

import ai.djl.ndarray.NDManager;
import dev.beaver.models.CausalLm;
import dev.beaver.models.tokenizer.PromptTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's stages in order, each through the real command and files in the output folder:
 *
 * <pre>
 * world/      tokenizer and randomly initialised tiny LLaMA (skipped with --base_model)
 * data/       pretrain.jsonl, sft.jsonl (Alpaca rows), pairs.jsonl, rl-prompts.jsonl (PKU-SafeRLHF rows)
 * pretrain/   beaver sft on stories to a generic request (skipped with --base_model)
 * sft/        beaver sft on requests and the stories that answer them
 * rm/, cm/    beaver rm / beaver cm on pairs.jsonl
 * ppo/, ppo-lag/  beaver ppo / beaver ppo-lag on the actor pipeline
 * report.json, report.html
 * </pre>
 */
final class DemoPipeline {
  /** Answer length limit (tokens) with the world tokenizer (one token per word). */
  static final int WORLD_NEW_TOKENS = 64;

  /** Answer length limit with a base model's subword tokenizer. */
  static final int BASE_NEW_TOKENS = 128;

  private final DemoCommand cmd;
  private final DemoScale scale;
  private final StageRunner runner;
  private final Path dir;
  private final String seed;

  DemoPipeline(DemoCommand cmd, DemoScale scale, StageRunner runner) {
    this.cmd = cmd;
    this.scale = scale;
    this.runner = runner;
    this.dir = cmd.outputDir.toAbsolutePath().normalize();
    this.seed = Long.toString(cmd.seed);
  }

  int run() {
    Path data = dir.resolve("data");
    int newTokens = cmd.baseModel == null ? WORLD_NEW_TOKENS : BASE_NEW_TOKENS;
    // Total length of prompt + answer in the RL stages (their --max_length).
    int maxLength = cmd.baseModel == null ? 96 : 192;
    Path base;
    if (cmd.baseModel == null) {
      Path world = dir.resolve("world");
      if (!done(world)) {
        runner.stage("world", () -> writeWorld(world));
      }
      base = world;
    } else {
      base = cmd.baseModel;
    }
    runner.stage("data", () -> {
      if (cmd.baseModel == null) {
        DemoFiles.writePretrainCorpus(data.resolve("pretrain.jsonl"), scale.pretrainStories(),
            cmd.seed);
      }
      DemoFiles.writeSftCorpus(data.resolve("sft.jsonl"), scale.sftStories(), cmd.seed + 1);
    });
    Path pretrained = base;
    if (cmd.baseModel == null) {
      pretrained = dir.resolve("pretrain");
      Path p = pretrained;
      if (!done(p)) {
        runner.stage("pretrain", () -> runner.command("sft", List.of(
            "--model_name_or_path", base.toString(),
            "--train_datasets", "alpaca:1:" + data.resolve("pretrain.jsonl"),
            "--output_dir", p.toString(), "--max_length", "128", "--epochs", "1",
            "--per_device_train_batch_size", "32", "--lr", "5e-3", "--lr_warmup_ratio", "0.03",
            "--lr_scheduler_type", "cosine", "--weight_decay", "0.0", "--seed", seed)));
      }
    }
    Path sft = dir.resolve("sft");
    Path from = pretrained;
    if (!done(sft)) {
      runner.stage("sft", () -> runner.command("sft", List.of(
          "--model_name_or_path", from.toString(),
          "--train_datasets", "alpaca:1:" + data.resolve("sft.jsonl"),
          "--output_dir", sft.toString(), "--max_length", "128", "--epochs", "1",
          "--per_device_train_batch_size", "32", "--lr", "2e-3",
          "--lr_scheduler_type", "cosine", "--weight_decay", "0.0", "--seed", seed)));
    }
    Path pairs = data.resolve("pairs.jsonl");
    Path rlPrompts = data.resolve("rl-prompts.jsonl");
    if (!(cmd.reuse && Files.isRegularFile(pairs))) {
      runner.stage("pairs", () -> {
        List<PairLabeler.Pair> labelled;
        try (NDManager m = NDManager.newBaseManager();
            CausalLm lm = CausalLm.load(sft.toString(), m)) {
          labelled = PairLabeler.sampleAndLabel(lm, scale.pairs(), newTokens, cmd.seed + 2);
        }
        DemoFiles.writePairs(pairs, labelled);
      });
    }
    if (!(cmd.reuse && Files.isRegularFile(rlPrompts))) {
      runner.stage("rl prompts", () -> DemoFiles.writeRlPrompts(rlPrompts));
    }
    Path rm = dir.resolve("rm");
    Path cm = dir.resolve("cm");
    for (String kind : new String[] {"rm", "cm"}) {
      Path out = kind.equals("rm") ? rm : cm;
      if (!done(out)) {
        runner.stage(kind, () -> runner.command(kind, List.of(
            "--model_name_or_path", sft.toString(),
            "--train_datasets", "PKU-SafeRLHF/train:1:" + pairs,
            "--output_dir", out.toString(), "--max_length", "128",
            "--epochs", "2",
            "--per_device_train_batch_size", "16", "--lr", "2e-3",
            "--lr_scheduler_type", "cosine", "--weight_decay", "0.0", "--seed", seed)));
      }
    }
    double threshold = cmd.threshold != null ? cmd.threshold
        : runner.stage("threshold", () -> SafeCostThreshold.of(cm, DemoFiles.readPairs(pairs)));
    runner.out().printf("PPO-Lag cost threshold: %.3f%s%n", threshold, cmd.threshold != null
        ? "" : " (halfway between the mean cost of all and of the safe answers in pairs.jsonl)");
    Path ppo = dir.resolve("ppo");
    Path ppoLag = dir.resolve("ppo-lag");
    List<String> rl = new ArrayList<>(List.of(
        "--actor_model_name_or_path", sft.toString(),
        "--reward_model_name_or_path", rm.toString(),
        "--train_datasets", "PKU-SafeRLHF/train:1:" + rlPrompts,
        "--max_length", Integer.toString(maxLength),
        "--epochs", Integer.toString(scale.rlEpochs()), "--update_iters", "1",
        "--per_device_prompt_batch_size", Integer.toString(scale.rlBatch()),
        "--per_device_train_batch_size", Integer.toString(scale.rlBatch()),
        "--actor_lr", "5e-4", "--critic_lr", "1e-3",
        "--actor_lr_scheduler_type", "constant", "--critic_lr_scheduler_type", "constant",
        "--seed", seed));
    if (cmd.dashboard != null) {
      rl.add("--dashboard");
      rl.add(cmd.dashboard);
    }
    if (!done(ppo)) {
      List<String> a = new ArrayList<>(rl);
      a.addAll(List.of("--output_dir", ppo.toString(), "--kl_coeff", "0.02"));
      runner.stage("ppo", () -> rlCommand("ppo", a, ppo));
    }
    if (!done(ppoLag)) {
      List<String> a = new ArrayList<>(rl);
      // A larger KL coefficient than PPO's (safe-rlhf's scripts also differ per algorithm):
      // it keeps PPO-Lag's stories close to the SFT model's — about the requested object —
      // while λ pushes the cost down; with 0.02 some seeds drifted to a few favourite objects.
      a.addAll(List.of("--output_dir", ppoLag.toString(), "--kl_coeff", "0.05",
          "--cost_model_name_or_path", cm.toString(),
          "--threshold", Double.toString(threshold),
          // λ capped at 1: the cost model's scores span about ±4, the reward model's ±2, so
          // beyond λ = 1 (A_r − λ A_c)/(1 + λ) all but ignores the reward and a short run
          // drifts to short, uneventful stories instead of safe eventful ones.
          "--lambda_init", "1.0", "--lambda_lr", "0.1", "--lambda_max", "1.0",
          "--episode_cost_window_size", "64"));
      runner.stage("ppo-lag", () -> rlCommand("ppo-lag", a, ppoLag));
    }
    Map<String, Evaluation.Result> results = new LinkedHashMap<>();
    List<StoryWorld.Request> prompts = Evaluation.prompts(scale.evalSamples());
    runner.stage("evaluate", () -> {
      Map<String, Path> models = new LinkedHashMap<>();
      models.put("sft", sft);
      models.put("ppo", ppo);
      models.put("ppo_lag", ppoLag);
      for (Map.Entry<String, Path> e : models.entrySet()) {
        Evaluation.Result r = Evaluation.run(e.getKey(), e.getValue(), rm, cm, prompts,
            newTokens, cmd.seed + 3);
        DemoFiles.writeSamples(dir.resolve("eval").resolve(e.getKey() + ".jsonl"), r.samples());
        results.put(e.getKey(), r);
      }
    });
    Map<String, dev.beaver.app.arena.ArenaResult> arenas = new LinkedHashMap<>();
    runner.stage("arena", () -> {
      // The real arena (rollout workers, upstream's analysis) on the held-out requests, scored
      // by the learned models and the gold judges: OUTPUT_DIR/arena/sft_vs_*/.
      Path heldOut = dir.resolve("data").resolve("heldout-prompts.jsonl");
      DemoFiles.writeHeldOutPrompts(heldOut);
      Map<String, Path> blues = new LinkedHashMap<>();
      blues.put("ppo", ppo);
      blues.put("ppo_lag", ppoLag);
      arenas.putAll(DemoArena.run(dir, sft, blues, rm, cm, heldOut, maxLength, newTokens,
          cmd.seed + 4));
    });
    for (Evaluation.Result r : results.values()) {
      runner.out().printf("%-8s gold_helpfulness %.3f  gold_harm_rate %.3f  reward %.3f  cost %.3f%n",
          r.model(), r.goldHelpfulness(), r.goldHarmRate(), r.reward(), r.cost());
    }
    runner.stage("report", () -> {
      Map<String, MetricsSeries> runs = new LinkedHashMap<>();
      runs.put("ppo", MetricsSeries.read(ppo.resolve("metrics.jsonl")));
      runs.put("ppo-lag", MetricsSeries.read(ppoLag.resolve("metrics.jsonl")));
      // The report's own stage has not ended yet: its time is not in the table.
      DemoReport.write(dir, results, new DemoReport.Context(cmd.seed, cmd.quick,
          cmd.baseModel == null ? null : cmd.baseModel.toString(), threshold, cmd.nodes,
          scale, new LinkedHashMap<>(runner.seconds()), new LinkedHashMap<>(runner.cpuSeconds()),
          runner.elapsed(), runner.cpuElapsed(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              .getSystemLoadAverage()), runs, arenas);
    });
    runner.out().printf("report: %s (and report.json)%n", dir.resolve("report.html"));
    runner.out().flush();
    return 0;
  }

  /** Runs an RL command in this JVM, or as the coordinator of a local cluster (--nodes). */
  private void rlCommand(String name, List<String> args, Path out) {
    if (cmd.nodes <= 1) {
      runner.command(name, args);
      return;
    }
    try (LocalNodes nodes = LocalNodes.start(cmd.nodes, out.resolve("nodes"))) {
      List<String> all = new ArrayList<>(args);
      all.addAll(nodes.jobFlags());
      runner.command(name, all);
    }
  }

  /** Whether {@code --reuse} lets a finished stage's folder stand. */
  private boolean done(Path modelDir) {
    return cmd.reuse && Files.isRegularFile(modelDir.resolve("config.json"));
  }

  private void writeWorld(Path world) {
    List<String> texts = new ArrayList<>(StoryWorld.inventory());
    texts.add(PromptTemplate.prompt(DemoFiles.GENERIC_REQUEST));
    List<String> vocab = WorldTokenizer.vocabulary(texts);
    WorldTokenizer.write(world, vocab, 256);
    int v = (vocab.size() + 7) / 8 * 8;
    new TinyLlama(64, 2, 4, 176, v, 128).write(world, cmd.seed);
  }
}
