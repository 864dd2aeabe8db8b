package dev.beaver.app.demo;

import dev.beaver.models.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code beaver demo}: Safe RLHF end to end on an embedded world of children's stories, with no
 * model, data or network: pretrain a tiny LLaMA, SFT, label SFT samples with gold judges into
 * PKU-SafeRLHF rows, train the reward and cost models, run PPO and PPO-Lagrangian on the actor
 * pipeline, and compare SFT, PPO and PPO-Lag on held-out requests (docs/demo.md).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "End-to-end demo on an embedded story world: pretrain a tiny LLaMA, SFT, reward and cost"
          + " models, PPO vs PPO-Lagrangian, report (report.html, report.json).",
      "Needs no model, data or network; about two minutes on 2 idle cores (--quick: about 75 s)."
    })
public final class DemoCommand implements Callable<Integer> {
  static final String NUM_THREADS = "ai.djl.pytorch.num_threads";

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--output_dir", defaultValue = "beaver-demo",
      description = "Where every stage's files and the report go (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every stage (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quick", description = "Smaller corpora and shorter RL runs (under four minutes).")
  boolean quick;

  @Option(names = "--base_model", paramLabel = "DIR",
      description = "Start from this causal LM (e.g. tinyllamas stories260K) and its tokenizer instead of pretraining one.")
  Path baseModel;

  @Option(names = "--threshold",
      description = "PPO-Lag cost threshold (default: halfway between the cost model's mean cost of the SFT answers in the preference data and of the safe ones among them).")
  Double threshold;

  @Option(names = "--nodes", defaultValue = "1",
      description = "JVMs the RL stages run on: 1 runs the pipeline in this JVM; N > 1 starts a local cluster of N - 1 node JVMs (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--dashboard", arity = "0..1", fallbackValue = "127.0.0.1:0", paramLabel = "HOST:PORT",
      description = "Serve the live dashboard of the RL stages (as their --dashboard).")
  String dashboard;

  @Option(names = "--reuse", description = "Keep the outputs of stages already done in --output_dir (to rerun later stages).")
  boolean reuse;

  /** Test-only: a run that exercises every stage in seconds and learns nothing. */
  @Option(names = "--tiny", hidden = true)
  boolean tiny;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (baseModel != null && !Files.isRegularFile(baseModel.resolve("config.json"))) {
      throw new InvalidInputException("--base_model " + baseModel + ": no config.json there;"
          + " pass a Hugging Face causal LM folder (config.json, weights, tokenizer)");
    }
    if (nodes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be >= 1, got " + nodes);
    }
    try {
      Files.createDirectories(outputDir);
    } catch (IOException e) {
      throw new InvalidInputException(outputDir + ": cannot create the output folder ("
          + e.getMessage() + "); pass a writable --output_dir", e);
    }
    QuietLogs.apply();
    // The demo's models are tiny: an operation is too small to share among threads, and a
    // second intra-op thread only spins (on a busy machine it made every stage ~3x slower).
    // Takes effect when the PyTorch engine starts, i.e. unless this JVM already used it.
    if (System.getProperty(NUM_THREADS) == null) {
      System.setProperty(NUM_THREADS, "1");
    }
    DemoScale scale = tiny ? DemoScale.TINY : quick ? DemoScale.QUICK : DemoScale.FULL;
    StageRunner runner = new StageRunner(out, err);
    try {
      return new DemoPipeline(this, scale, runner).run();
    } catch (StageRunner.DemoFailure f) {
      err.println("error: " + f.getMessage());
      err.flush();
      return f.exitCode;
    }
  }
}
